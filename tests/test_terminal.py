"""`coe-bot try` and `coe-bot export`: the review and its document without Slack."""

from __future__ import annotations

from pathlib import Path

from tests.processes import clean_env, coe_bot

SESSION = """Why did the site go down?
All the servers were turned off.
+1
afk 5
A script was run which shut them off.
why: Why was a script able to turn off so many servers?
There are no permission differences between 1 server and many.
#2 also: Bob ran the script wrong, he should have double-checked the list
done
Nothing limits how many servers one run may stop.
done
2
There is no UI for the hardware team to replace servers.
done
what a day
The night shift swapped the disks.
action: alarm when 10 servers stop in a minute @me due 2026-12-31
action #3: remind everyone to double-check the server list
due 2026-12-30
impact: the site was down for two hours
lesson: people will always make mistakes
timeline: 14:05 the script ran
quit
action: never read, after quit
"""


def test_a_piped_review_goes_on_after_the_chain_and_prints_the_document(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'try.db'}", USER="dana")
    result = coe_bot("try", env=env, input=SESSION, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    # A problem written as a question is asked as it stands; answers in their own words.
    assert "Why #1: Why did the site go down?" in out
    assert "Why #2: Why were all the servers turned off?" in out
    # Chatter is said to be chatter, and stays out of the tree.
    assert out.count("(conversation, not an answer)") == 3  # "+1", "afk 5", "what a day"
    assert "Why #3: Why was a script able to turn off so many servers?" in out
    assert any(line.startswith("Back to #5, “Bob ran the script wrong") for line in out)
    assert any("What made it possible for “Bob ran the script wrong" in line for line in out)
    # The angles are offered and one is taken by its number.
    assert "  2. Why did this depend on someone doing it by hand, or remembering it?" in out
    assert "Why #8: Why did this depend on someone doing it by hand, or remembering it?" in out
    assert "The chain of whys is complete (6 whys):" in out
    # After the chain, nothing is dropped silently: an answer is told why it was not recorded,
    # action items, impact, lessons and timeline lines are kept, and `quit` ends the review.
    assert any(line.startswith("(not recorded: the chain of whys is complete") for line in out)
    assert (
        "Action item for #8: “alarm when 10 servers stop in a minute”, due Thu 31 Dec 2026." in out
    )
    assert (
        "Action item for #3: “remind everyone to double-check the server list”, "
        "no due date yet (`due <date>` sets one)." in out
    )
    assert "“remind everyone to double-check the server list” is now due Wed 30 Dec 2026." in out
    assert [line for line in out if line.startswith(("Kept as", "Added to"))] == [
        "Kept as impact.",
        "Kept as lesson.",
        "Added to the timeline.",
    ]
    document = result.stdout[result.stdout.index("# COE-1") :]
    assert "never read" not in document and "swapped the disks" not in document
    assert "## Whys (6)" in document
    assert "- **Thread:** none: held in a terminal with `coe-bot try`, not in Slack" in document
    assert "| alarm when 10 servers stop in a minute | dana | Thu 31 Dec 2026 |" in document
    assert "| remind everyone to double-check the server list ⚠️ *not a mechanism* |" in document
    assert "⚠️ *Human error:*" in document and "the script ran" in document
    assert "@me" not in document

    listed = coe_bot("list", env=env)
    assert listed.stdout.splitlines() == [
        "COE-1\tchain complete\tterminal\tWhy did the site go down?"
    ]
    exported = coe_bot("export", "COE-1", env=env)
    assert exported.returncode == 0
    assert exported.stdout.strip() == document.strip()


def test_the_end_of_the_input_ends_the_review_as_quit_does(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'try.db'}", USER="dana")
    lines = "Bedtime went wrong\nThere is no bedtime routine on school nights.\n"
    result = coe_bot("try", env=env, input=lines, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Why #1: Why did bedtime go wrong?" in result.stdout
    assert "Why #2: Why is there no bedtime routine on school nights?" in result.stdout
    assert "## Whys (1)" in result.stdout
    listed = coe_bot("list", env=env)
    assert listed.stdout.splitlines() == ["COE-1\tasking why #2\tterminal\tBedtime went wrong"]


def test_exporting_a_coe_that_does_not_exist_says_so(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'none.db'}")
    result = coe_bot("export", "COE-7", env=env)
    assert result.returncode == 1
    assert "no COE 'COE-7'" in result.stderr


def test_try_without_a_problem_statement_stops(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    result = coe_bot("try", env=env, input="", cwd=tmp_path)
    assert result.returncode == 1 and "nothing to review" in result.stdout
