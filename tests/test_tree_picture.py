"""The tree of causes as a PNG: any shape of up to thirty whys, any text, inside the bounds."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageFont

from bot.core.picture import (
    HUMAN_ERROR_RED,
    MIN_FONT_SIZE,
    PREVIEW_SIZE,
    WEAK_SPOT_AMBER,
    PictureNode,
    render_tree_png,
)
from bot.core.picture.content import HUMAN_ERROR_LEGEND, Content, outline
from bot.core.picture.layout import ANSWER_LINES, FONT_SIZES, PROBLEM_LINES, best_layout
from bot.core.picture.palette import (
    BOX_FILL,
    CONNECTOR,
    PAPER,
    PROBLEM_FILL,
    WEAK_SPOT_TAG_FILL,
    Colour,
)
from bot.core.picture.text import REGULAR, Text, coverage, font_file, load_font
from tests.picture_pixels import band, boxes, colours, font_size, outlines, picture, text_lines

PROBLEM = "Checkout was down for 40 minutes after a maintenance script turned off every server"
ANSWERS = (
    "The script took a list of hosts and nothing limited how many it could touch",
    "Nobody had thought a maintenance script needed a limit",
    "The staging and production host lists have the same file name",
    "No alarm fires when servers shut down in bulk",
    "There is no UI for maintenance, so it is done by hand",
)
ANGLES = (
    "Why didn't we notice sooner?",
    "Why was the impact so large?",
    "Why was this done by hand?",
)
LONG = "The connection pool ran dry because " * 84  # about 3,000 characters, as Slack allows
UNICODE_TEXTS = (
    "Deploy 🚀🔥 failed 👨‍👩‍👧 🇫🇷 👍🏽 ☀️",
    "数据库连接池耗尽，结账服务中断了四十分钟",
    "השרת נפל בגלל עומס על מסד הנתונים",
    "الخادم توقف لأن قاعدة البيانات كانت مثقلة",
    "Zalgo Z̷̢̛̪̫̭͉a̶̡̘̺͙̝l̸̨̙̺̈́g̵̡̛̰̈́o̴̢̧̪ and e" + "\u0301" * 40 + " café naïve",
    "nul\x00 bell\x07 escape\x1b[31m tab\tnew\nline\r\u2028sep\u200b\u200d\ufeff\u00ad",
    "override \u202egnp.exe\u202c isolate \u2067abc\u2069 lone \ud800 surrogate \udfff",
    "private \ue000\U000f0000 unassigned \U000e0001\u0378 noncharacter \uffff",
)


def chain(depth: int, **marks: bool) -> PictureNode:
    node = None
    for number in range(depth, 0, -1):
        children = (node,) if node else ()
        node = PictureNode(number, ANSWERS[number % len(ANSWERS)], children=children, **marks)
    assert node is not None
    return node


def siblings(count: int) -> list[PictureNode]:
    return [PictureNode(number, ANSWERS[number % len(ANSWERS)]) for number in range(1, count + 1)]


def mixed_tree() -> list[PictureNode]:
    """Thirty whys: a trigger chain that branches, and three angle branches with edge labels."""
    numbers = iter(range(1, 31))

    def why(text: str, *children: PictureNode, **marks: object) -> PictureNode:
        return PictureNode(next(numbers), text, children=children, **marks)  # type: ignore[arg-type]

    trigger = why(
        ANSWERS[0],
        why(ANSWERS[1], why(ANSWERS[2], why(ANSWERS[3], human_error=True)), why(ANSWERS[4])),
        why(ANSWERS[2], human_error=True, unaddressed=True),
    )
    angles = []
    for question in ANGLES:
        angles.append(
            why(
                ANSWERS[3],
                why(ANSWERS[4], why(ANSWERS[0], why(ANSWERS[1], unaddressed=True))),
                why(ANSWERS[1], why(ANSWERS[2]), why(ANSWERS[3], unaddressed=True)),
                edge_label=question,
            )
        )
    roots = [trigger, *angles]
    rest = 30 - count(roots)
    return [*roots, *(why(ANSWERS[k % 5]) for k in range(rest))]


def count(nodes: Sequence[PictureNode]) -> int:
    return sum(1 + count(node.children) for node in nodes)


def test_one_why_fits_in_slacks_preview_unscaled() -> None:
    image = picture(render_tree_png(PROBLEM, [PictureNode(1, ANSWERS[0])]))
    assert image.width <= PREVIEW_SIZE[0]
    assert image.height <= PREVIEW_SIZE[1]


@pytest.mark.parametrize(
    "roots",
    [
        pytest.param([chain(30)], id="a chain 30 deep"),
        pytest.param(siblings(30), id="30 siblings"),
        pytest.param([PictureNode(1, "root", children=tuple(siblings(29)))], id="29 children"),
        pytest.param(mixed_tree(), id="mixed, with edge labels"),
    ],
)
def test_thirty_whys_of_any_shape_are_drawn_within_the_bounds(roots: list[PictureNode]) -> None:
    assert count(roots) == 30
    picture(render_tree_png(PROBLEM, roots, title="COE-12 · Checkout outage"))


def test_a_five_why_chain_is_drawn_at_the_largest_font() -> None:
    image = picture(render_tree_png(PROBLEM, [chain(5)]))
    found = boxes(image)
    assert len(found) == 5
    assert font_size(found) == FONT_SIZES[0]
    # The longest answer is given all the lines a box allows, below the why's number.
    assert max(text_lines(image, box, BOX_FILL) for box in found) == 1 + ANSWER_LINES[0]


@pytest.mark.parametrize(
    "roots",
    [
        pytest.param([chain(12)], id="a chain 12 deep"),
        pytest.param(siblings(12), id="12 siblings"),
        pytest.param([PictureNode(1, "root", children=tuple(siblings(11)))], id="11 children"),
    ],
)
def test_a_dozen_whys_read_in_slacks_preview(roots: list[PictureNode]) -> None:
    image = picture(render_tree_png(PROBLEM, roots, title="COE-12"))
    found = boxes(image)
    assert len(found) == count(roots)
    shrink = min(1.0, PREVIEW_SIZE[0] / image.width, PREVIEW_SIZE[1] / image.height)
    assert font_size(found) * shrink >= 12


def content(problem: str, roots: Sequence[PictureNode], title: str | None = None) -> Content:
    """What the layout is made from, for the few tests that look at its words."""
    rows, left_out = outline(roots)
    return Content.of(problem, title, rows, left_out)


def drawn_unshrunk(roots: list[PictureNode]) -> int:
    """The font size `roots` are drawn at, the worst case text in every box, once it is checked
    that the picture keeps to the bounds and every box is drawn crisp, not scaled down."""
    found = boxes(picture(render_tree_png(LONG, roots, title=LONG)))
    assert len(found) == count(roots)
    return font_size(found)


def worst_case(number: int, children: tuple[PictureNode, ...] = ()) -> PictureNode:
    """A why that takes as much room as one can: every mark, an edge label, a long answer."""
    return PictureNode(
        number, LONG, human_error=True, unaddressed=True, edge_label=LONG, children=children
    )


@st.composite
def tree_shapes(draw: st.DrawFn) -> list[PictureNode]:
    """Any tree of 1 to 30 whys: each why after the first hangs from the problem or an earlier
    why, chosen at random."""
    size = draw(st.integers(1, 30))
    parents = [draw(st.integers(-1, index - 1)) for index in range(size)]
    children: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        children.setdefault(parent, []).append(index)

    def build(index: int) -> PictureNode:
        kids = tuple(build(kid) for kid in children.get(index, []))
        return worst_case(index + 1, kids)

    return [build(root) for root in children[-1]]


def caterpillar(size: int) -> list[PictureNode]:
    """Every why has two children, one of them a leaf: as many indentation levels as can be."""
    node = worst_case(size)
    number = size - 1
    while number >= 2:
        node = worst_case(number - 1, (worst_case(number), node))
        number -= 2
    return [worst_case(1, (node,))] if number == 1 else [node]


@settings(max_examples=40, deadline=None)
@given(tree_shapes())
def test_any_shape_of_thirty_whys_fits_without_shrinking_the_text(roots: list[PictureNode]) -> None:
    assert drawn_unshrunk(roots) >= MIN_FONT_SIZE


@pytest.mark.parametrize(
    "roots",
    [
        pytest.param(caterpillar(30), id="caterpillar"),
        pytest.param([worst_case(1, tuple(worst_case(n) for n in range(2, 31)))], id="fan"),
    ],
)
def test_the_roomiest_thirty_whys_fit_without_shrinking_the_text(roots: list[PictureNode]) -> None:
    assert count(roots) == 30
    assert drawn_unshrunk(roots) >= MIN_FONT_SIZE


def test_more_whys_than_the_bounds_hold_are_scaled_down_not_cut() -> None:
    picture(render_tree_png(PROBLEM, [chain(200)]))
    picture(render_tree_png(PROBLEM, siblings(45)))


def test_a_problem_with_no_whys_yet_is_drawn() -> None:
    picture(render_tree_png(PROBLEM, []))
    picture(render_tree_png("", [PictureNode(1, "")]))


def test_answers_of_slacks_full_length_are_clipped_to_a_few_lines() -> None:
    roots = [PictureNode(1, LONG, children=(PictureNode(2, "x" * 3000, edge_label=LONG),))]
    image = picture(render_tree_png(LONG, roots, title=LONG))
    found = boxes(image)
    assert len(found) == 2
    for box in found:
        assert text_lines(image, box, BOX_FILL) == 1 + ANSWER_LINES[0]  # the number, the answer
    problem = band(image, PROBLEM_FILL)
    assert text_lines(image, problem, PROBLEM_FILL) == 1 + PROBLEM_LINES  # "PROBLEM", the text
    # Which character a line ends with cannot be read back from the pixels: the layout says.
    layout = best_layout(content(LONG, roots, title=LONG))
    for placed in layout.placed:
        assert placed.box.answer[-1].endswith("…")
    assert layout.placed[1].box.label is not None
    assert layout.placed[1].box.label.endswith("…")
    assert layout.problem[-1].endswith("…")


def test_a_short_answer_is_shown_whole() -> None:
    # Words cannot be read back from the pixels: the layout says which are drawn.
    layout = best_layout(content(PROBLEM, [PictureNode(1, ANSWERS[0])]))
    assert " ".join(layout.placed[0].box.answer) == ANSWERS[0]


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_any_unicode_text_is_drawn(text: str) -> None:
    roots = [PictureNode(1, text, edge_label=text, children=(PictureNode(2, text * 30),))]
    picture(render_tree_png(text, roots, title=text))


def test_without_libraqm_any_unicode_text_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pillow lays text out with libraqm where it finds FriBiDi, and without it otherwise. Nothing
    # public chooses: the font loader is replaced where the sizes look it up.
    def basic(name: str, size: int) -> ImageFont.FreeTypeFont:
        path = str(font_file(name))
        return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)

    monkeypatch.setattr("bot.core.picture.style.load_font", functools.cache(basic))
    for text in UNICODE_TEXTS:
        roots = [PictureNode(1, text, edge_label=text, children=(PictureNode(2, text * 30),))]
        picture(render_tree_png(text, roots, title=text))


def test_what_the_font_cannot_draw_is_replaced_once_a_run() -> None:
    def picture_of(text: str) -> bytes:
        return render_tree_png(PROBLEM, [PictureNode(1, text)])

    assert picture_of("deploy 🚀🔥 failed") == picture_of("deploy \ufffd failed")
    assert picture_of("deploy 🚀🔥 failed") != picture_of("deploy \ufffd\ufffd failed")

    # A control or format character left in would often draw nothing, so what is kept is read
    # from the cleaned text rather than the pixels.
    def drawn(text: str) -> str:
        return Text.of(text, REGULAR).text

    assert drawn("deploy 🚀🔥 failed") == "deploy \ufffd failed"
    assert drawn("family 👨‍👩‍👧 flag 🇫🇷") == "family \ufffd flag \ufffd"
    assert drawn("数据库 down") == "\ufffd down"
    assert drawn("café naïve Ωμέγα Привет שלום") == "café naïve Ωμέγα Привет שלום"
    assert drawn("a\x00b\x1b[31m \u202eevil\u202c\tc\nd") == "ab[31m evil c d"
    assert drawn("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert drawn("e" + "\u0301" * 40) == "é\u0301\u0301"  # composed, then two marks at most


def test_coverage_is_read_from_the_fonts_character_map() -> None:
    # The character map reader on its own: a picture shows only what the cleaned text makes of it.
    regular = coverage(REGULAR)
    for char in "Aé€ΩЖשب→…\ufffd":
        assert ord(char) in regular, char
    for char in "数🚀\U0001f1eb\U000e0001":
        assert ord(char) not in regular, char


def test_the_character_map_agrees_with_the_glyphs_freetype_draws() -> None:
    # The character map against FreeType itself, so the font file is opened directly. Basic
    # layout maps each character to its glyph alone; libraqm would add a dotted circle before
    # a lone combining mark.
    path = str(font_file(REGULAR))
    font = ImageFont.truetype(path, 20, layout_engine=ImageFont.Layout.BASIC)
    mapped = coverage(REGULAR)
    missing = bytes(font.getmask("\U0010fffd"))  # no font has a glyph there
    sample = [*range(0x21, 0x3000, 13), *range(0x1F300, 0x1F700, 29), 0xFFFD]
    for code in sample:
        if not chr(code).isprintable() or chr(code).isspace():
            continue
        has_glyph = bytes(font.getmask(chr(code))) != missing
        assert has_glyph == (code in mapped), hex(code)


def test_human_errors_and_weak_spots_are_marked_in_their_colours() -> None:
    plain = colours(picture(render_tree_png(PROBLEM, [chain(3)])))
    human = colours(picture(render_tree_png(PROBLEM, [chain(3, human_error=True)])))
    weak = colours(picture(render_tree_png(PROBLEM, [chain(3, unaddressed=True)])))
    assert HUMAN_ERROR_RED not in plain
    assert WEAK_SPOT_AMBER not in plain
    assert HUMAN_ERROR_RED in human
    assert WEAK_SPOT_AMBER not in human
    assert WEAK_SPOT_AMBER in weak
    assert HUMAN_ERROR_RED not in weak


def box_colours(roots: list[PictureNode]) -> list[set[Colour]]:
    """The colours inside each why's box, in outline order."""
    image = picture(render_tree_png(PROBLEM, roots))
    found = boxes(image)
    assert len(found) == count(roots)
    return [colours(image.crop((it.left, it.top, it.right + 1, it.bottom + 1))) for it in found]


def test_each_marked_why_is_drawn_in_its_marks_colours() -> None:
    roots = [
        PictureNode(
            1,
            ANSWERS[0],
            children=(
                PictureNode(2, ANSWERS[1], human_error=True),
                PictureNode(3, ANSWERS[2], unaddressed=True),
                PictureNode(4, ANSWERS[3], human_error=True, unaddressed=True),
            ),
        )
    ]
    plain, human, weak, both = box_colours(roots)
    assert {HUMAN_ERROR_RED, WEAK_SPOT_AMBER} & plain == set()
    assert HUMAN_ERROR_RED in human
    assert WEAK_SPOT_AMBER not in human
    assert WEAK_SPOT_AMBER in weak
    assert HUMAN_ERROR_RED not in weak
    assert {HUMAN_ERROR_RED, WEAK_SPOT_TAG_FILL} <= both


def test_a_legend_appears_only_with_marks() -> None:
    plain = picture(render_tree_png(PROBLEM, [chain(3)]))
    human = picture(render_tree_png(PROBLEM, [chain(3, human_error=True)]))
    plain_foot = max(box.bottom for box in boxes(plain))
    assert colours(plain.crop((0, plain_foot + 1, plain.width, plain.height))) <= {PAPER, CONNECTOR}
    human_foot = max(box.bottom for box in boxes(human))
    swatches = [it for it in outlines(human, HUMAN_ERROR_RED) if it.top > human_foot]
    assert len(swatches) == 1
    # The legend's words cannot be read back from the pixels: the layout says.
    layout = best_layout(content(PROBLEM, [chain(3, human_error=True)]))
    assert [note.text for line in layout.legend for note, _ in line] == [HUMAN_ERROR_LEGEND]


def test_an_edge_label_is_drawn() -> None:
    bare = render_tree_png(PROBLEM, [PictureNode(1, ANSWERS[0])])
    labelled = render_tree_png(PROBLEM, [PictureNode(1, ANSWERS[0], edge_label=ANGLES[0])])
    assert picture(labelled).height > picture(bare).height


def test_the_same_input_gives_the_same_bytes() -> None:
    roots = mixed_tree()
    first = render_tree_png(PROBLEM, roots, title="COE-12")
    # Private, but only emptying the cache loads the fonts afresh within one process.
    load_font.cache_clear()  # fonts loaded afresh draw the same
    assert render_tree_png(PROBLEM, roots, title="COE-12") == first
    assert render_tree_png(PROBLEM, roots, title="COE-13") != first
