"""The 5-Whys chain as pure functions: every transition."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.angles import Angle
from bot.core.blame import mechanism_question
from bot.core.corrections import revise_answer, withdraw
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
    start,
    take_back,
    walk,
)
from bot.core.questions import why_question
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


# Transitions ------------------------------------------------------------------------------------


def test_start_asks_why_the_problem_happened() -> None:
    chain = start(PROBLEM)
    assert chain.status is Status.ASKING
    assert chain.steps == (Step(1, PROBLEM),)
    assert chain.open_step == Step(1, PROBLEM)
    assert chain.answered == ()
    assert why_question(chain.steps[0]) == "Why #1: Why was checkout down for 40 minutes?"


def test_an_answer_is_recorded_with_its_author_and_the_next_why_quotes_it() -> None:
    before = start(PROBLEM)
    after = record_answer(before, ANSWERS[0], "UBOB", "1.000001")
    assert after.steps[0] == Step(1, PROBLEM, ANSWERS[0], "UBOB", "1.000001")
    assert after.open_step == Step(2, ANSWERS[0], parent=1)
    assert why_question(after.steps[1]) == (
        "Why #2: Why did the payment service run out of connections?"
    )
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
    # Why #4 was asked and dropped when the chain ended: its number is not given again.
    assert asks(reopened.open_step) == (5, ANSWERS[2], 3)
    # ...and the chain goes on from there.
    more = record_answer(posted(reopened, "1.0000055"), "more", "UBOB", "1.000006")
    assert asks(more.open_step) == (6, "more", 5)


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
    question = chain.open_step.question
    assert question == mechanism_question(step.answer, chain.open_step.number)
    assert "“Bob ran the script wrong" in question and "Bob" not in question.split("”")[1]
    assert [s.number for s in walk(chain)] == [1]


def test_why_sets_the_wording_of_the_open_question() -> None:
    chain = ask(answered(ANSWERS[0]), "Why was the pool so small?")
    assert why_question(chain.open_step) == "Why #2: Why was the pool so small?"


# Steering the tree ------------------------------------------------------------------------------


def test_a_numbered_why_asks_about_that_answer_and_drops_the_open_one() -> None:
    chain = answered(*ANSWERS)  # why #4 asks about answer #3
    steered = ask(chain, "Why did monitoring not page us sooner?", about=1)
    new = steered.open_step
    assert (new.number, new.parent, new.subject) == (5, 1, ANSWERS[0])
    assert new.question == "Why did monitoring not page us sooner?"
    assert steered.step(4) is None  # asked again later: #3 is unexplored once more
    assert [s.number for s in steered.steps if s.answer is None] == [5]


def test_why_zero_asks_about_the_problem_itself_as_a_new_branch() -> None:
    chain = ask(answered(*ANSWERS[:2]), "Why was the fleet shared by every team?", about=0)
    assert (chain.open_step.parent, chain.open_step.subject) == (None, PROBLEM)
    assert chain.open_step.number == 4


def test_a_numbered_why_about_no_answer_is_refused_with_the_answers_there_are() -> None:
    with pytest.raises(FacilitationError, match=r"no answer #9 .*#1, #2"):
        ask(answered(*ANSWERS[:2]), "Why?", about=9)


def test_the_bots_mechanism_question_covers_no_angle_only_the_teams_answers_do() -> None:
    chain = answered("the on-call engineer ran the script on the wrong cluster")
    assert chain.answered[0].human_error  # asked: "...impact, and why did nothing catch it..."
    assert {"detection", "blast_radius"} <= {a.value for a in missing_angles(chain)}
    covered = answered("the on-call engineer ran it", "There was no alarm on shutdowns.")
    assert "detection" not in {a.value for a in missing_angles(covered)}


def test_the_manual_process_angle_fits_any_field() -> None:
    chain = end_branch(answered("My kid stayed up too late.", problem="Bedtime went wrong"))
    offered = ask_angle(chain, Angle.PROCESS)
    assert offered.open_step.question == (
        "Why did this depend on someone doing it by hand, or remembering it?"
    )


# Taking an answer back with a reaction --------------------------------------------------------


def test_a_reaction_on_the_latest_answer_takes_it_back_as_undo_does() -> None:
    chain = answered(*ANSWERS)
    assert withdraw(chain, "1.000003") == take_back(chain, answer_ts="1.000003")


def test_chatter_taken_as_an_answer_leaves_its_place_to_the_answer_filed_under_it() -> None:
    # "afk 5" was taken as #2's answer; the real answer came under "why did afk 5 happen?".
    chain = answered(ANSWERS[0], "afk 5", ANSWERS[1])
    fixed = withdraw(chain, "1.000002")
    assert [(s.number, s.answer, s.parent) for s in fixed.answered] == [
        (1, ANSWERS[0], None),
        (2, ANSWERS[1], 1),
    ]
    assert (fixed.open_step.number, fixed.open_step.parent) == (4, 2)
    assert fixed.open_step.subject == ANSWERS[1]


def test_a_withdrawn_second_cause_goes_and_the_chain_goes_on() -> None:
    chain = add_cause(answered(*ANSWERS[:2]), "thanks all", "UBOB", "1.000009")
    fixed = withdraw(chain, "1.000009")
    assert [s.answer for s in fixed.answered] == ANSWERS[:2]
    assert fixed.open_step == chain.open_step


def test_a_reaction_on_a_message_that_is_no_answer_changes_nothing() -> None:
    with pytest.raises(FacilitationError):
        withdraw(answered(*ANSWERS), "9.999999")
