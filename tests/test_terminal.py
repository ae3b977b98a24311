"""`coe-bot try` and `coe-bot export`: the review and its document without Slack."""

from __future__ import annotations

from pathlib import Path

from tests.processes import clean_env, coe_bot

SESSION = """The site went down
All the servers were turned off.
+1
A script was run which shut them off.
why: Why was a script able to turn off so many servers?
There are no permission differences between 1 server and many.
#2 also: Bob ran the script wrong, he should have double-checked the list
done
Nothing limits how many servers one run may stop.
impact: the site was down for two hours
action: alarm when 10 servers stop in a minute due 2026-12-31
lesson: people will always make mistakes
done
1
There were no alarms on the number of servers shutting down.
done
done
"""


def test_a_piped_review_prints_the_document_and_is_kept(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'try.db'}", USER="dana")
    result = coe_bot("try", env=env, input=SESSION)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert 'Why #1: why did "The site went down" happen?' in out
    assert "Why #3: Why was a script able to turn off so many servers?" in out
    assert "What made it possible" in out  # the blame answer got the mechanism question
    assert "1. Why was this done by hand?" in out  # the angle nothing covered, offered
    assert "# COE-1: The site went down" in out and "```mermaid" in out
    assert "- the site was down for two hours" in out and "people will always" in out
    assert "| alarm when 10 servers stop in a minute | dana |" in out
    # "+1" was chatter: six causes, not seven.
    assert out.count("— dana") == 6 and "+1" not in out

    listed = coe_bot("list", env=env)
    assert listed.stdout.splitlines() == ["COE-1\tchain_done\tterminal\tThe site went down"]
    exported = coe_bot("export", "COE-1", env=env)
    assert exported.returncode == 0
    assert exported.stdout.strip() == out[out.index("# COE-1") :].strip()


def test_exporting_a_coe_that_does_not_exist_says_so(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'none.db'}")
    result = coe_bot("export", "COE-7", env=env)
    assert result.returncode == 1
    assert "no COE 'COE-7'" in result.stderr


def test_try_without_a_problem_statement_stops(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    result = coe_bot("try", env=env, input="")
    assert result.returncode == 1 and "nothing to review" in result.stdout
