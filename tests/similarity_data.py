"""Past COEs as the related-COE search sees them: each with the answers its review recorded.

Written to look like real reviews: a few share a missing mechanism in different words, most
are about something else, and several use the same everyday words ("nobody", "was", "the").
"""

from __future__ import annotations

from bot.core.similarity import PastCoe

# COEs that missed the same mechanism: nothing told anyone that a disk was filling up.
DISK_ALERTS = {101, 102, 103, 104}
CERTIFICATES = {111, 112}
FLEET_PERMISSIONS = {121}
CANARIES = {131, 132}

PAST = (
    PastCoe(101, ("The orders database stopped accepting writes", "No alarm on disk usage")),
    PastCoe(
        102,
        (
            "Uploads failed for an hour",
            "The upload volume ran out of space",
            "Nobody was paged when the disks filled up",
        ),
    ),
    PastCoe(103, ("Search was down", "There was no alert when the disk was full")),
    PastCoe(
        104,
        (
            "The log volume on the API hosts filled up",
            "We had no monitoring of disk space on those hosts",
        ),
    ),
    PastCoe(
        111,
        (
            "Customers saw TLS errors",
            "The TLS certificate on the load balancer expired",
            "Certificate renewal is manual and nobody tracks the expiry dates",
        ),
    ),
    PastCoe(112, ("The mobile app could not log in", "The signing certificate expired")),
    PastCoe(
        121,
        (
            "Every server in the fleet was shut down",
            "Anyone can run the shutdown script against the whole fleet at once",
        ),
    ),
    PastCoe(
        131,
        (
            "Checkout errors rose to 30%",
            "The bad build was deployed to every host at once",
            "Our deploy pipeline has no canary stage",
        ),
    ),
    PastCoe(132, ("A bad release reached all regions at the same time", "No canary deployment")),
    PastCoe(
        141,
        (
            "After the migration some customers still reached the old servers",
            "The DNS record had a TTL of 24 hours, so the change took a day to propagate",
        ),
    ),
    PastCoe(142, ("The connection pool size was set to 0 in the production config",)),
    PastCoe(143, ("A bad config value disabled the cache", "Config changes are not reviewed")),
    PastCoe(144, ("Backups were never tested with a restore",)),
    PastCoe(145, ("One client sent 50,000 requests a second", "The API has no rate limit")),
    PastCoe(146, ("There was no runbook for failing over the database",)),
    PastCoe(147, ("The feature flag was turned on for all customers at once",)),
    PastCoe(148, ("The service leaked memory and the OOM killer restarted it every hour",)),
    PastCoe(149, ("Calls to the payment provider had no timeout",)),
    PastCoe(
        150,
        (
            "The email queue grew for six hours",
            "The consumers were down and nothing alerted on the queue depth",
        ),
    ),
    PastCoe(151, ("The clocks on two hosts drifted apart because NTP was not running",)),
    PastCoe(152, ("The nightly cron job started before the previous run had finished",)),
    PastCoe(153, ("Clients retried at once without backoff and overloaded the service",)),
    PastCoe(154, ("The schema migration locked the orders table for 20 minutes",)),
    PastCoe(155, ("All the replicas were in one availability zone",)),
    PastCoe(156, ("An API key was committed to the public repository",)),
    PastCoe(
        157,
        ("The health check only saw that the process was up, not that it reached the database",),
    ),
    PastCoe(158, ("We did no load test before the sale", "Capacity was planned on last year's")),
    PastCoe(159, ("Nobody was on call over the holiday weekend",)),
    PastCoe(160, ("The on-call phone was on silent",)),
    PastCoe(161, ("The hardware team had no UI to replace hardware, so they ran scripts",)),
    PastCoe(162, ("The was the the was a an", "")),
)
