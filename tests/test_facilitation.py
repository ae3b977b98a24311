"""The 5-Whys chain as pure functions: how a reply is read, and every transition."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.angles import Angle
from bot.core.facilitation import (
    Chain,
    FacilitationError,
    Status,
    Step,
    add_cause,
    ask,
    ask_angle,
    end_branch,
    end_chain,
    missing_angles,
    record_answer,
    revise_answer,
    start,
    take_back,
    tree_labels,
    why_question,
)
from bot.core.replies import (
    ASIDE_PREFIX,
    END_PHRASES,
    ActionRequest,
    Answer,
    Aside,
    EndChain,
    Undo,
    normalize,
    read_reply,
)
from tests.scenario import posted

PROBLEM = "Checkout was down for 40 minutes"
ANSWERS = [
    "The payment service ran out of connections.",
    "A deploy halved the pool size.",
    "The config change was not reviewed.",
]


def answered(*answers: str, problem: str = PROBLEM) -> Chain:
    """A chain with `answers` recorded in order, by UBOB, at ts 1.000001, 1.000002, ...

    Each answer comes after the bot posted the why it answers (at ts 0.5, 1.000001 + 0.5, ...).
    """
    chain = start(problem)
    for number, text in enumerate(answers, start=1):
        chain = posted(chain, f"1.{number - 1:06d}5")
        chain = record_answer(chain, text, "UBOB", f"1.{number:06d}")
    return chain


def asks(step: Step | None) -> tuple[int, str, int | None] | None:
    """What a why asks: its number, what it asks about, and the answer that is."""
    return (step.number, step.subject, step.parent) if step else None


# Reading replies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "done",
        "Done.",
        "DONE!!",
        "done :white_check_mark:",
        "out of ideas",
        "Out of ideas…",
        "we're out of ideas",
        "We’re out of ideas 🤷",
        "We're out of ideas! :thinking_face:",
        "WE'RE OUT OF IDEAS",
        "no more ideas",
        "No more ideas 🤷‍♀️",
        "that's the root cause",
        ":tada: that's the root cause",
        "That’s the root cause!",
        "  That's   the root cause.  ",
        "thats the root cause",
    ],
)
def test_end_phrases_end_the_chain_whatever_the_case_punctuation_or_emoji(text: str) -> None:
    assert read_reply(text) == EndChain()


@pytest.mark.parametrize("phrase", sorted(END_PHRASES))
def test_every_end_phrase_is_read_as_the_end(phrase: str) -> None:
    assert read_reply(phrase) == EndChain()
    assert read_reply(phrase.upper() + "!") == EndChain()


@pytest.mark.parametrize(
    "text",
    [
        "Done with the migration, but the cache was cold.",
        "We ran out of ideas for the capacity plan, so nobody sized the pool.",
        "Nobody said the root cause out loud.",
        "undone config",
    ],
)
def test_a_sentence_that_merely_contains_an_end_word_is_an_answer(text: str) -> None:
    assert read_reply(text) == Answer(text)


def test_an_answer_keeps_its_text_as_written_apart_from_outer_whitespace() -> None:
    assert read_reply("  The pool was *too* small: 5 connections.\n") == Answer(
        "The pool was *too* small: 5 connections."
    )


@pytest.mark.parametrize(
    "text", ["// just thinking out loud", "//done", "  // that's the root cause?", "//"]
)
def test_the_aside_prefix_is_never_an_answer(text: str) -> None:
    assert ASIDE_PREFIX == "//"
    assert read_reply(text) == Aside()


def test_a_url_is_not_mistaken_for_an_aside() -> None:
    assert read_reply("https://status.example.com said so") == Answer(
        "https://status.example.com said so"
    )


@pytest.mark.parametrize("text", ["undo", "Undo", "UNDO!", "undo.", "take back", "undo that"])
def test_undo_takes_back(text: str) -> None:
    assert read_reply(text) == Undo()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "action: add an alarm @bob due friday",
            ActionRequest("add an alarm @bob due friday", None),
        ),
        ("Action: add an alarm", ActionRequest("add an alarm", None)),
        ("ACTION #3: restrict the script", ActionRequest("restrict the script", 3)),
        ("action#2 : review configs", ActionRequest("review configs", 2)),
    ],
)
def test_action_lines_are_action_requests(text: str, expected: ActionRequest) -> None:
    assert read_reply(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t", ":thumbsup:", "!!!", "🤷"])
def test_a_reply_with_nothing_in_it_is_not_recorded(text: str) -> None:
    assert read_reply(text) is None


def test_normalize_drops_case_punctuation_apostrophes_and_emoji() -> None:
    assert normalize("We’re OUT of ideas!! :sob: 🤷") == "were out of ideas"
    assert normalize("that's—the root-cause") == "thats the root cause"


# Transitions ------------------------------------------------------------------------------------


def test_start_asks_why_the_problem_happened() -> None:
    chain = start(PROBLEM)
    assert chain.status is Status.ASKING
    assert chain.steps == (Step(1, PROBLEM),)
    assert chain.open_step == Step(1, PROBLEM)
    assert chain.answered == ()
    assert why_question(chain.steps[0]) == f'Why #1: why did "{PROBLEM}" happen?'


def test_an_answer_is_recorded_with_its_author_and_the_next_why_quotes_it() -> None:
    before = start(PROBLEM)
    after = record_answer(before, ANSWERS[0], "UBOB", "1.000001")
    assert after.steps[0] == Step(1, PROBLEM, ANSWERS[0], "UBOB", "1.000001")
    assert after.open_step == Step(2, ANSWERS[0], parent=1)
    assert why_question(after.steps[1]) == f'Why #2: why did "{ANSWERS[0]}" happen?'
    # Transitions return a new chain; the old one is untouched.
    assert before == start(PROBLEM)


def test_the_chain_keeps_going_past_five_whys() -> None:
    answers = [f"cause {n}" for n in range(1, 8)]
    chain = answered(*answers)
    assert [step.answer for step in chain.answered] == answers
    assert asks(chain.open_step) == (8, "cause 7", 7)
    assert chain.status is Status.ASKING


def test_ending_keeps_the_answered_whys_and_drops_the_open_one() -> None:
    chain = end_chain(answered(*ANSWERS))
    assert chain.status is Status.CHAIN_DONE
    assert [step.answer for step in chain.steps] == ANSWERS
    assert [step.number for step in chain.steps] == [1, 2, 3]
    assert chain.open_step is None


def test_ending_before_any_answer_is_refused_with_a_reason() -> None:
    with pytest.raises(FacilitationError, match="No answer"):
        end_chain(start(PROBLEM))


def test_ending_twice_is_refused() -> None:
    with pytest.raises(FacilitationError, match="already complete"):
        end_chain(end_chain(answered(ANSWERS[0])))


def test_an_answer_after_the_end_is_refused_and_says_how_to_reopen() -> None:
    with pytest.raises(FacilitationError, match="undo"):
        record_answer(end_chain(answered(ANSWERS[0])), "late idea", "UBOB", "9.000001")


def test_taking_back_the_latest_answer_reopens_its_question() -> None:
    chain = take_back(answered(*ANSWERS))
    assert [step.answer for step in chain.answered] == ANSWERS[:2]
    assert asks(chain.open_step) == (3, ANSWERS[1], 2)
    assert len(chain.steps) == 3


def test_taking_back_the_only_answer_reopens_why_one() -> None:
    chain = take_back(answered(ANSWERS[0]))
    assert chain.answered == () and len(chain.steps) == 1
    assert asks(chain.open_step) == (1, PROBLEM, None)


def test_nothing_to_take_back_before_the_first_answer() -> None:
    with pytest.raises(FacilitationError, match="no answer"):
        take_back(start(PROBLEM))


def test_taking_back_by_message_ts_withdraws_the_latest_answer() -> None:
    chain = take_back(answered(*ANSWERS), answer_ts="1.000003")
    assert chain == take_back(answered(*ANSWERS))


def test_an_earlier_answer_cannot_be_taken_back_by_its_ts() -> None:
    chain = answered(*ANSWERS)
    with pytest.raises(FacilitationError, match="earlier answer"):
        take_back(chain, answer_ts="1.000001")


def test_a_ts_that_is_no_answer_cannot_be_taken_back() -> None:
    with pytest.raises(FacilitationError, match="not an answer"):
        take_back(answered(*ANSWERS), answer_ts="5.555555")


def test_undo_after_the_end_reopens_the_chain_where_it_stopped() -> None:
    done = end_chain(answered(*ANSWERS))
    reopened = take_back(done)
    assert reopened.status is Status.ASKING
    assert [step.answer for step in reopened.answered] == ANSWERS
    assert asks(reopened.open_step) == (4, ANSWERS[2], 3)
    # ...and the chain goes on from there.
    more = record_answer(posted(reopened, "1.0000035"), "more", "UBOB", "1.000004")
    assert asks(more.open_step) == (5, "more", 4)


def test_deleting_the_latest_answer_after_the_end_reopens_its_question() -> None:
    reopened = take_back(end_chain(answered(*ANSWERS)), answer_ts="1.000003")
    assert reopened.status is Status.ASKING
    assert asks(reopened.open_step) == (3, ANSWERS[1], 2)


def test_revising_an_answer_rewords_it_and_the_why_asked_about_it() -> None:
    chain = revise_answer(answered(*ANSWERS), "1.000002", "A deploy set the pool to 5.")
    assert chain.steps[1].answer == "A deploy set the pool to 5."
    assert chain.steps[1].author == "UBOB"
    assert chain.steps[2].subject == "A deploy set the pool to 5."
    assert [step.answer for step in chain.answered] == [
        ANSWERS[0],
        "A deploy set the pool to 5.",
        ANSWERS[2],
    ]


def test_revising_the_latest_answer_rewords_the_open_question() -> None:
    chain = revise_answer(answered(*ANSWERS), "1.000003", "Nobody reviewed it.")
    assert asks(chain.open_step) == (4, "Nobody reviewed it.", 3)


def test_revising_the_last_answer_of_a_finished_chain() -> None:
    chain = revise_answer(end_chain(answered(*ANSWERS)), "1.000003", "Nobody reviewed it.")
    assert chain.status is Status.CHAIN_DONE
    assert chain.steps[-1].answer == "Nobody reviewed it."


def test_revising_a_message_that_is_no_answer_is_refused() -> None:
    with pytest.raises(FacilitationError):
        revise_answer(answered(*ANSWERS), "5.555555", "whatever")


# Branches ---------------------------------------------------------------------------------------


def test_a_reply_written_before_the_next_why_was_posted_is_a_second_cause() -> None:
    chain = answered(ANSWERS[0])  # Why #2 is open, asked at 1.5 and not posted yet
    chain = replace(chain, steps=tuple(replace(s, asked_ts="1.5") for s in chain.steps))
    # Written after the bot decided to ask, but before it posted: still an answer.
    assert record_answer(chain, "Later.", "UCAROL", "1.6").answered[-1].parent == 1
    both = record_answer(chain, "A retry storm doubled the load.", "UCAROL", "1.000002")
    first, second = both.answered
    assert (first.parent, second.parent) == (None, None)
    assert asks(both.open_step) == (2, ANSWERS[0], 1)  # still following the first


def test_also_adds_a_cause_beside_the_latest_or_a_named_answer() -> None:
    chain = answered(*ANSWERS[:2])
    beside_latest = add_cause(chain, "Traffic doubled.", "UBOB", "1.000009")
    assert beside_latest.step(4).parent == beside_latest.step(2).parent == 1
    beside_one = add_cause(chain, "The alarm was muted.", "UBOB", "1.000009", beside=1)
    assert beside_one.step(4).parent is None
    with pytest.raises(FacilitationError, match="no answer #7"):
        add_cause(chain, "x", "UBOB", "1.000009", beside=7)


def test_done_goes_back_to_the_next_unexplored_cause_then_offers_the_missing_angles() -> None:
    chain = add_cause(answered(*ANSWERS[:2]), "Traffic doubled.", "UBOB", "1.000009")
    back = end_branch(chain)
    assert back.step(2).branch_done
    assert asks(back.open_step) == (5, "Traffic doubled.", 4)  # numbered after the dropped #3
    offered = end_branch(back)
    assert offered.status is Status.OFFERING
    assert "detection" in [angle.value for angle in missing_angles(offered)]
    picked = ask_angle(offered, Angle.DETECTION)
    assert picked.open_step.question == "Why didn't we notice sooner?"
    assert picked.open_step.parent is None
    # Once an angle was taken up and answered, done ends the review; so does done on the offer.
    explored = record_answer(posted(picked, "1.00001"), "No alarm on pool use.", "UBOB", "1.00002")
    assert end_branch(explored).status is Status.CHAIN_DONE
    assert end_branch(offered).status is Status.CHAIN_DONE


def test_an_answer_that_blames_a_person_is_marked_and_asked_about_its_mechanism() -> None:
    chain = answered("Bob ran the script wrong, he should have double-checked the list.")
    (step,) = chain.answered
    assert step.human_error
    assert chain.open_step.question.startswith("People will always make mistakes.")
    assert tree_labels(chain) == {1: "1"}


def test_why_sets_the_wording_of_the_open_question() -> None:
    chain = ask(answered(ANSWERS[0]), "Why was the pool so small?")
    assert why_question(chain.open_step) == "Why #2: Why was the pool so small?"
