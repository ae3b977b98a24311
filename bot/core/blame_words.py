"""The word lists behind `blame`: people, roles, names, negligence and mechanism wording.

Pure data and two small builders. Extend a list here when a phrasing is misread; the rules that
use them are in `blame`.
"""

from __future__ import annotations

import re


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- People ------------------------------------------------------------------------------------

SUBJECT_PRONOUNS = _set("he she they i we you whoever")
OBJECT_PRONOUNS = _set("him her them me us")
FIRST_PERSON = _set("i we")
PEOPLE = _set(
    """
    someone somebody everyone everybody person people human humans folks guy guys colleague
    colleagues coworker coworkers co-worker teammate teammates employee employees staff staffer
    team individual
    """
)
# People named by what they do for a role: "the support agent", "a QA team member".
ROLE_HEADS = _set("agent agents rep reps member members representative representatives")
# "Nobody checked" often describes a missing process step; it blames only with a strong marker.
NOBODY = _set("nobody no-one noone")
ROLES = _set(
    """
    engineer engineers eng engs dev devs developer developers sre sres swe swes sde sdes intern
    interns contractor contractors hire hires newbie rookie trainee trainees junior on-call
    on-callers on-caller responder responders ops devops admin admins sysadmin sysadmins
    administrator administrators dba dbas reviewer reviewers approver approvers qa tester
    testers pm pms manager managers support operator operators user users customer customers
    analyst analysts technician technicians programmer programmers coder coders author committer
    deployer owner owners architect designer consultant consultants vendor shift lead commander
    ic secops netops sec security infra platform helpdesk tech techs management leadership exec
    execs captain captains coordinator shepherd steward specialist scientist scientists director
    directors vp cto ceo cio ciso founder boss supervisor supervisors freelancer student
    volunteer auditor accountant clerk pilot dispatcher planner trader salesperson marketer
    recruiter finance legal marketing sales hr
    """
)
# Words that may stand between a determiner and the person ("the tired new on-call engineer").
PERSON_ADJECTIVES = _set(
    """
    new junior senior night day weekend same other tired careless inexperienced sleepy
    overworked newest former previous lone only primary secondary backup external offshore
    third-party database network release frontend backend data product incident team tech human
    poor one two another whole entire
    """
)
DETERMINERS = _set(
    """
    the a an our their his her my your this that these those some one another every each all
    both its any
    """
)
# A person named by a role is the one who acted only when a verb (or the end of the clause)
# follows: "the on-call ignored", not "the on-call rotation".
AUXILIARIES = _set(
    """
    was were is are had has have did does do should could would must might may can will never
    not just also then simply accidentally mistakenly inadvertently completely totally clearly
    obviously probably apparently again still who that and or himself herself themselves too
    basically actually literally somehow forgot forgets on in from at with of over ever already
    only unknowingly carelessly incorrectly wrongly blindly manually unintentionally hastily
    lazily being by during both all each either together once twice
    """
)
IRREGULAR_PAST = _set(
    """
    ran made hit put set took left wrote chose broke sent let got went did read misread thought
    forgot kept built caught cut drove fell felt found held knew lost meant paid quit said saw
    shut told understood overrode overwrote reran rewrote undid misunderstood mistook began gave
    slept spun wiped pushed typed blew stuck hid bit reset rerun spread split upset threw drew
    withdrew froze spoke stole woke led fed spent lent bent dealt dug hung lit met misled rang
    sat shot shook slid sold sought stood struck swept swung taught tore wore won wound bought
    brought fought mislaid mistyped overran overlooked overdid outran rode rose sank sang
    """
)
PREPOSITIONS = _set(
    """
    for to of with from at about into toward towards than against via per between onto upon
    without within among under over on in like through across
    """
)
# Verbs whose object is a person who did not act: "the alert paged the on-call".
OBJECT_VERBS = _set(
    """
    tell tells ask asks page pages wake wakes remind reminds train trains notify notifies alert
    alerts let lets allow allows make makes gives give show shows lead leads led forces force
    requires require confuses confuse misleads mislead expects expect helps help protects
    protect
    """
)

# Capitalised words that are not people's names. Slack users start sentences with these, and
# products sit where a person would: "Terraform deleted the bucket".
COMMON_WORDS = _set(
    """
    the a an this that these those our their its my your his her some any no every each all both
    it there here we they he she i you nobody nothing someone somebody everyone everybody
    because since so but and also then probably apparently basically honestly looks seems turns
    yesterday today tonight last during after before when while if once just only maybe perhaps
    unfortunately initially eventually finally meanwhile however again still plus well yes ok
    okay oh hmm right actually sadly luckily first second third then next later earlier overnight
    deploy deploys deployed config configs script scripts server servers database databases db
    cache caches alert alerts alarm alarms disk disks network traffic load memory cpu certificate
    cert certs dns change changes release releases rollout rollouts rollback migration pipeline
    build builds test tests job jobs cron queue queues backup backups index indexes table tables
    query queries service services api apis endpoint cluster clusters node nodes pod pods
    container containers host hosts fleet region regions zone zones process runbook checklist
    review reviews approval permission permissions access token tokens key keys secret secrets
    password passwords login auth page pages pager error errors exception bug bugs fix patch
    update updates upgrade upgrades version code commit commits pr prs branch merge feature flag
    flags toggle timeout timeouts retry retries limit limits quota capacity health check checks
    logs log metrics dashboard dashboards graph window maintenance hardware software firmware
    kernel vendor provider upstream downstream dependency dependencies library package schema
    data file files storage volume bucket replica replicas primary leader shard partition lock
    locks transaction connection connections pool request requests response latency spike
    outage incident failover replication snapshot traffic customers users staging production
    prod main master nightly weekly daily monday tuesday wednesday thursday friday saturday
    sunday january february march april june july august september october november december
    something everything anything none half most many few several multiple nothing whoever
    what which who why how where whatever apparently accidentally mistakenly somehow per via
    new old same other another sev sev1 sev2 p1 p2 ticket tickets slack email emails phone
    monitoring alerting paging oncall on-call infra terraform human humans manual manually
    approval renewal removal signal portal terminal manual memory recovery delivery discovery
    entry registry inventory query retry retries policy proxy gateway
    """
)
TECH_WORDS = _set(
    """
    kubernetes k8s terraform jenkins github gitlab bitbucket aws gcp azure postgres postgresql
    mysql redis kafka rabbitmq nginx envoy istio consul vault ansible puppet chef salt docker
    helm argo argocd spinnaker circleci travis buildkite bazel prometheus grafana datadog
    splunk pagerduty opsgenie sentry cloudflare akamai fastly route53 elb alb s3 ec2 rds
    dynamodb lambda cloudwatch cloudformation mongo mongodb cassandra elasticsearch opensearch
    kibana logstash zookeeper etcd coredns linux windows ubuntu debian centos macos ios
    android chrome firefox safari java python go golang rust node nodejs ruby rails django
    flask spring react vue angular npm pip maven gradle celery sidekiq airflow spark hadoop
    snowflake bigquery looker tableau jira confluence okta auth0 stripe twilio sendgrid
    salesforce zendesk heroku vercel netlify openshift rancher nomad packer vagrant git svn
    cron systemd haproxy varnish memcached graphite statsd influxdb jaeger zipkin
    """
)
# Common first names that are not also English words, so "priya forgot" counts in lower case.
NAMES = _set(
    """
    aaron abdul abigail adam adebayo adriana ahmed aisha akira alan albert alejandro alex
    alexander alexandra alexei ali alice alicia alison amanda amara amit amy ana anders andrea
    andrew andy angela anil anita ankit anna anne anthony antonio anya arjun arturo ashley
    aylin ayumi barbara ben benjamin bilal bob bobby boris brandon brenda brian bruno carla
    carlos carmen carol caroline catherine charles charlie chen chiara chloe chris christian
    christina christine christopher claire claudia connor craig cristina dana daniel daniela
    danielle dave david deepak deborah denise dennis derek diana diego dimitri dmitri dmitry
    dong doug douglas duc dylan eduardo elena eli elif elijah elizabeth ellen emily emma
    eric erik ethan eva evan fatima felix fernando fiona francesca francesco francisco gabriel
    gabriela gary george gina giorgio giulia greg gregory hana hannah hans haruto hassan
    helen hiroshi hugo ibrahim igor ines ingrid irina isaac isabel isabella ivan jacob jake
    james jamal jan jane janet jason javier jeff jeffrey jennifer jenny jeremy jessica jim jin
    joao joe joel johan john jon jonas jonathan jorge jose joseph josh joshua juan julia julian
    julie jun justin kai karen karim kate katie kavya keith kelly ken kenji kevin khalid kim
    kofi kumar kwame lakshmi lars laura lauren leila lena leo li lina linda lisa liu lucas
    lucia luis luka luke mahmoud maria mariam marco marcus maria marie marina mario marta
    martin mary matt matteo matthew mehmet mei melissa mia michael michelle miguel mike mikhail
    ming mohamed mohammed monica nadia naomi natalia natasha nathan neha nicholas nick nicole
    nikhil nikita nina noah nora oleg olga oliver olivia omar oscar pablo paolo patrick paul
    paula pedro peter pham pierre pooja priya priyanka rachel rafael rahul raj rajesh ramesh
    raphael rebecca ricardo richard rick rita robert roberto rohan rohit ryan sabrina sadia
    sahil samantha sami samuel sandra sanjay sara sarah sasha scott sean sebastian sergei
    sergey shreya simon sofia sonia sophia sophie stefan stephanie steve steven sunil susan
    sven takeshi tanya tariq teresa thomas tim timothy tom tomas tomás tony tyler valentina
    vanessa victor vikram vincent wei wen william xavier xin yan yasmin yuki yusuf yuto
    zainab zhang zoe zeynep andrzej piotr katarzyna olu oluwaseun chidi ngozi thabo sipho
    """
)
# Word endings of common nouns, not names: "Replication failed to ...", "Autoscaling missed".
NOUN_SUFFIXES = (
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ing",
    "ance",
    "ence",
    "ship",
    "ism",
    "ics",
    "er",
    "or",
    "age",
    "ure",
    "ies",
    "ware",
    "ops",
)

# --- Markers -----------------------------------------------------------------------------------


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Human-error labels: they blame whoever is named, or nobody in particular.
LABELS = _words(
    r"(?:human|user|operator|pilot|personnel|manual|admin|administrator|engineer|developer|dev"
    r"|clerical|individual|staff|employee|people)[- ](?:error|errors|mistake|mistakes|slip|slips"
    r"|lapse|lapses|blunder|fault|oversight)(?!-| (?:rates?|budgets?|handl\w*|messages?|logs?"
    r"|codes?|pages?|counts?|paths?|metrics?|class\w*|types?|spikes?|tracking|reporting"
    r"|responses?|dialogs?|banners?|screens?|states?|fields?|events?|model|modes?|boundar\w*"
    r"|tolerance|proof\w*|detection|prevention|rate)\b)",
    r"pebkac|pebcak|picnic|id10t|id-10-t|wetware|skill issue|layer 8|layer eight|layer-8",
    r"between (?:the )?(?:keyboard|chair) and (?:the )?(?:keyboard|chair)",
    r"fat[- ]?finger\w*",
    r"(?:careless|silly|stupid|dumb|honest|simple|rookie|newbie|beginner|avoidable|sloppy"
    r"|clumsy|human|typical) (?:mistake|mistakes|slip|slip-up|slipup|oversight|blunder|goof)",
    r"(?:careless|sloppy|rookie|newbie|clumsy|silly|stupid|dumb) (?:error|errors|typo|typos)",
    r"carelessness|negligence|sloppiness|laziness|inattention|inattentiveness|complacency"
    r"|incompetence|recklessness|human factors?",
    r"(?:lack|lapse) (?:of|in) (?:attention|care|concentration|focus|diligence|judge?ment"
    r"|discipline)",
    r"(?:error|mistake|failure|lapse) (?:of|in) judge?ment",
    r"(?:poor|bad) judge?ment",
    r"attention to detail",
    r"(?:my|our|his|her|their|your) (?:fault|bad|mistake|mistakes|screw-?ups?|blunder"
    r"|oversight|goof|typo|negligence)(?!-| (?:tolerance|tolerant|injection|domains?|lines?"
    r"|isolation)\b)",
    r"(?:an|a simple|an honest|a careless) oversight",
    r"screw-?ups?|brain ?fart|dropped the ball|asleep at the wheel",
    r"did not know what (?:he|she|they|i|we|you) (?:was|were) doing",
    r"should have known better",
    r"(?:is|was|are|were) to blame|at fault",
    r"(?:it|that|this) (?:is|was) (?:all |totally |entirely )?on (?:me|him|her|them|us)",
)
# Words that turn a label into a mechanism: "nothing guards against human error".
LABEL_GUARDS = _words(
    r"against|prevent\w*|tolerat\w*|resilien\w*|\w+-proof|protect\w*|guard\w*|safeguard\w*"
    r"|mitigat\w*|absorb\w*|amplif\w*|inevitabl\w*|always make|will make|possible|allow\w*"
)
# Negligence only a person shows.
STRONG_MARKERS = _words(
    r"forg[eo]t\w*",
    r"misus\w*|misappl\w*|mishandl\w*|mix(?:ed)? up|mixed-up|confused",
    r"misread\w*|misunderst\w*|misinterpret\w*|misjudg\w*|mistyp\w*|misspel\w*|miscount\w*",
    r"mis-?click\w*|misremember\w*|misheard|mistook|mistaken(?:ly)?",
    r"typo\w*|fat[- ]?finger\w*",
    r"careless\w*|sloppy|sloppily|lazy(?! (?:load\w*|init\w*|eval\w*))|lazily",
    r"(?:went|gone|fell|going) back to sleep|dozed|nodded off|zoned out|spaced out",
    r"slept through|sleeping through|overslept|slept in|asleep|sleepy",
    r"tired|exhausted|fatigued|drunk|hungover|burn(?:ed|t) out|distracted|panick\w*",
    r"over-?confident|multitasking",
    r"negligen\w*|inattentive|rush(?:ed|ing)?|in a hurry|hurried(?:ly)?|hast(?:y|ily)",
    r"neglect\w*|overlook\w*",
    r"(?:should|ought to|would) have(?! been (?:\w+ )?(?:paged|alerted|notified|told|warned"
    r"|informed|trained|given|shown|asked|consulted|included|copied|pinged|escalated|involved"
    r"|looped|woken)\b)(?! had\b)",
    r"could have(?! been\b)",
    r"by (?:mistake|accident)|accident(?:al)?ly|accidently|inadvertent(?:ly)?"
    r"|unintentional(?:ly)?",
    r"did not bother|could not be bothered|did not care|did not think|without thinking",
    r"double[- ]?check\w*",
    r"(?:not|never|no) pa(?:y|ying|id) (?:any |much |enough )?attention",
    r"made a (?:\w+ )?mess|cut(?:ting)? corners|goofed|blunder\w*",
    r"(?:screw|mess|goof|slip)(?:ed|ing|s)? up",
    r"botch\w*|bungl\w*",
    r"made (?:a|an|the|two|several|some|one)(?: \w+)? (?:mistake|error|typo|blunder|slip"
    r"|bad call|wrong call|poor decision|bad decision|wrong decision|oversight|bad choice)",
    r"mistakes?|screw-?ups?|oversight",
    r"incompeten\w*|clueless|inexperienced|unqualified|untrained|reckless\w*",
    r"rubber[- ]?stamp\w*|yolo\w*|cowboy\w*|blame[ds]?",
    r"(?:was|were) not (?:careful|paying|focused|thorough|attentive|concentrating|looking"
    r"|watching|thinking|awake|alert)",
    r"(?:was|were|got) (?:careless|sloppy|lazy|complacent|overconfident|hasty|impatient)",
)
# Negligence a person shows, but also words a machine can be the subject of.
WEAK_MARKERS = _words(
    r"miss(?:ed|es)?|ignor(?:ed|es|e|ing)|skip(?:ped|s|ping)?|bypass(?:ed|es|ing)?",
    r"disregard\w*|circumvent\w*|overr(?:o|i)de\w*|fail(?:ed|s)? to",
    r"did not (?!(?:get|have|receive|know|hear|exist|need|want|mean|own|belong|seem|happen"
    r"|work|expect|anticipate|foresee|matter|come|change|affect|apply|cause|intend|like|appear"
    r"|show|be|go)\b)\w+",
    r"(?:never|had not|have not) (?!(?:been|got|gotten|had|received|heard|known|needed)\b)\w+ed",
    r"without (?:\w+ ){0,2}\w+ing",
    r"without (?:a |an |any )?(?:\w+ )?(?:review|approval|permission|tests?|testing|sign-?off"
    r"|ticket|change request|second look|notice|limit|where clause|backup|dry-run|canary)",
    r"(?:approved|merged|reviewed|signed off on) (?:his|her|their|my|our) own",
    r"left (?:\w+ ){0,3}(?:on|off|open|running|enabled|disabled|behind|unlocked)",
    r"(?:thought|thinking|believed|believing) (?:\w+ ){0,3}(?:was|were|is|would)",
    r"twice|two times|(?:one|a) too many",
    r"(?:pushed|committed|pasted|posted|shared|leaked|exposed|emailed|uploaded|checked in)"
    r" (?:\w+ ){0,3}(?:secrets?|credentials|passwords?|keys?|tokens?)",
    r"to save time|to go faster|to make the deadline|(?:took|taking) a shortcut|shortcuts?",
    r"glanced|skimmed|eyeballed|cursory|superficial(?:ly)?|barely|blindly|half-read",
    r"clicked through|(?:hit|clicked|pressed) (?:approve|enter|merge|deploy|send|yes|ok|return)",
    r"too (?:soon|early|quickly|fast|late|aggressive(?:ly)?)|prematurely|jumped the gun",
    r"dismiss(?:ed|es|ing)?|brushed off|shrugged off|waved off|snoozed|silenced|muted",
    r"copy-?past\w*|copy/past\w*|pasted",
    r"(?:against|contrary to) (?:the |our )?(?:runbook|policy|process|procedure|guidance"
    r"|advice|instructions|rules)|violat\w*|went rogue|winged it|guessed",
    r"untested|unreviewed|unvetted|broken|buggy|faulty",
    r"wrong(?:ly)?|incorrect(?:ly)?|improper(?:ly)?|bad|badly|instead of|assum(?:ed|es|ing)",
    r"misconfigur\w*|mislabel\w*|misnam\w*|mis-?set|broke|caus(?:ed|es) (?:the|this|it|an|a)",
    r"(?:did not|never|was not|were not|had not|have not) (?:follow|read|check|test|verify|look"
    r"|seen|run|done|written)\w*",
    r"did nothing|did not do anything|never did anything|sat on it",
    r"before (?:\w+ ){1,3}(?:finished|completed|passed|ran|was done|were done|had finished"
    r"|was ready|were ready|came back)",
)
# Destructive acts are blame when a named person or role did them, not when "we" did.
DESTRUCTIVE = _words(
    r"deleted|dropped|wiped|truncated|overwr\w+|killed|removed|disabled|turned off"
    r"|shut (?:down|off)|force[- ]?pushed|nuked|purged|reverted|rebooted the wrong"
)
# A clause that names what made the mistake possible or what failed to catch it.
MECHANISM = _words(
    r"there (?:is|was|are|were|has been|had been)(?: still| simply| just| really)?"
    r" (?:no|not|nothing|never)",
    r"no (?:\w+ ){0,2}(?:alarms?|alerts?|alerting|checks?|guards?|guardrails?|guard rails?"
    r"|safeguards?|validation|confirmations?|prompts?|warnings?|limits?|caps?|approvals?"
    r"|permissions?|dry-run|rollback|automation|ui|tool|tools|tooling|checklists?|second"
    r"|locks?|protection|monitoring|paging|runbook|owner|process|procedure|steps?|way|undo"
    r"|backups?|canary|gates?|quotas?|throttl\w*|rate|difference|distinction|separation"
    r"|safety|visibility|dashboards?|metrics?|two-person|four-eyes|sanity)\b",
    r"nothing (?:\w+ ){0,2}(?:stopped|stops|prevented|prevents|blocked|blocks|caught|catches"
    r"|warned|warns|flagged|flags|checks|checked|limits|limited|alerted|alerts|paged)",
    r"(?:possible|impossible|able|unable|easy|easier|trivial|too easy) (?:for \S+ (?:\S+ )?)?to",
    r"(?:anyone|anybody|any engineer|any of us|everyone|anyone else) (?:could|can|would|might"
    r"|will)",
    r"(?:people|humans|engineers|everyone|we|operators) (?:will |do |always |sometimes"
    r"|inevitably |)+make mistakes|mistakes happen|to err is human",
    r"(?:lack|absence) of (?:\w+ )?(?:monitoring|alerting|alarms?|automation|tooling|validation"
    r"|testing|tests|guardrails?|safeguards?|checks?|review|process|documentation"
    r"|permissions?|limits?|redundancy|training|oversight)",
    r"(?:has|had|have) no|lacks|lacked|lacking",
    r"(?:is|are|was|were|get|gets|got) (?:told|asked|instructed|trained|expected|required"
    r"|allowed|encouraged|taught) to",
    r"missing (?:alarms?|alerts?|checks?|validation|guards?|tests?|limits?|monitoring|approval"
    r"|confirmation)",
    r"(?:no-one|nobody|noone|not \w+) (?:is|was|are|were) (?:to blame|at fault)",
)
# Mechanism wording that also fits a person ("Bob didn't check"): counts without a person.
THING_MECHANISM = _words(
    r"(?:is|was|are|were) not (?:protected|locked|guarded|restricted|validated|reviewed|tested"
    r"|automated|monitored|alarmed|alerted on|gated|limited|enforced|blocked|documented"
    r"|required|checked|caught|flagged|detected|rate-limited)",
    r"(?:did|does|do|was|is) not (?:require|enforce|block|prevent|warn|prompt|confirm|limit"
    r"|validate|check|alert|page|catch|flag|stop|ask|fire|trigger|exist|reject|detect|notice"
    r"|remind|cover|support|show|protect)",
    r"never (?:fired|triggered|alerted|paged|existed)",
    r"without (?:a|an|any) (?:\w+ ){0,2}(?:alarm|alert|guard|guardrail|safeguard|validation"
    r"|confirmation|prompt|warning|limit|cap|lock|protection|dry-run|rollback|undo|gate)",
    r"(?:allowed|allows|allow|lets|let|permits|permitted|enabled|enables) ",
)
# "An engineer can delete prod with one command": what people can do is about the system.
GENERIC_MODAL = _words(
    r"(?:can|could|may|might|will|would)(?! (?:not |never )?(?:have|be bothered))"
)
# "Because of the intern", "caused by someone on the night shift".
BLAME_CAUSE = _words(r"because of|due to|thanks to|caused by|blame|it was|that was|courtesy of")
# Words for "the fault of ...": "Kevin's fault", "the intern's mistake".
FAULT_NOUNS = _set(
    """
    fault mistake mistakes error typo screwup screw-up blunder oversight negligence carelessness
    bad slip part fat-finger
    """
)

# A clause after one of these is a consequence of the one before: "no alarm, so we missed it".
CONSEQUENCE_WORDS = _set("so therefore hence thus")
# A clause after one of these (or after "and" or a comma) may share the subject before it.
SHARED_SUBJECT_WORDS = frozenset({None, "but", "yet"}) | CONSEQUENCE_WORDS
# A clause after one of these gives the cause of the one before.
CAUSE_WORDS = _set("because cause cuz bc")
CLAUSE_WORDS = (
    _set("because since but although though whereas which while until unless cause cuz bc")
    | _set("however yet")
    | CONSEQUENCE_WORDS
)
# "and" and "," start a new clause before one of these: "the runbook was wrong and the ...".
CLAUSE_STARTERS = _set(
    """
    the a an he she they we i it there nobody no-one someone somebody this that then @person our
    their his her my nothing no
    """
)
SENTENCE_ENDS = frozenset({".", ";", "!", "?", ":", "\n"})
