"""How a reply in the 5-Whys thread is read, as pure functions: answers, ends, undo, asides and
`action:` lines."""

from __future__ import annotations

import pytest

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
        "The undone config change left the old pool size in place.",
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
    text = "https://status.example.com shows the primary database failed over at 14:02"
    assert read_reply(text) == Answer(text)


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
