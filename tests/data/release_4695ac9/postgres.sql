--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: action_item; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.action_item (
    id integer NOT NULL,
    coe_id integer NOT NULL,
    why_number integer,
    text text NOT NULL,
    owner_id character varying NOT NULL,
    due date NOT NULL,
    priority character varying NOT NULL,
    kind character varying,
    status character varying NOT NULL,
    drop_reason text,
    snoozed_until date,
    due_soon_nudged boolean NOT NULL,
    last_nudged_on date,
    created_by character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    source_ts character varying
);


--
-- Name: action_item_change; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.action_item_change (
    id integer NOT NULL,
    item_id integer NOT NULL,
    actor_id character varying NOT NULL,
    at timestamp with time zone NOT NULL,
    change character varying NOT NULL,
    detail text
);


--
-- Name: action_item_change_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.action_item_change_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: action_item_change_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.action_item_change_id_seq OWNED BY public.action_item_change.id;


--
-- Name: action_item_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.action_item_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: action_item_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.action_item_id_seq OWNED BY public.action_item.id;


--
-- Name: coe; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.coe (
    id integer NOT NULL,
    team_id character varying NOT NULL,
    channel_id character varying NOT NULL,
    problem text NOT NULL,
    facilitator_id character varying NOT NULL,
    status character varying NOT NULL,
    parent_ts character varying,
    created_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    version integer NOT NULL
);


--
-- Name: coe_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.coe_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: coe_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.coe_id_seq OWNED BY public.coe.id;


--
-- Name: digest; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.digest (
    id integer NOT NULL,
    channel_id character varying NOT NULL,
    period character varying NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: digest_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.digest_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: digest_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.digest_id_seq OWNED BY public.digest.id;


--
-- Name: inbox_event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.inbox_event (
    event_id character varying NOT NULL,
    kind character varying NOT NULL,
    priority integer NOT NULL,
    thread_key character varying,
    message_ts character varying,
    received_at timestamp with time zone NOT NULL,
    payload text NOT NULL,
    processed_at timestamp with time zone,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_error text
);


--
-- Name: nudge; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.nudge (
    id integer NOT NULL,
    item_id integer NOT NULL,
    day date NOT NULL,
    kind character varying NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: nudge_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.nudge_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: nudge_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.nudge_id_seq OWNED BY public.nudge.id;


--
-- Name: outbox_message; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox_message (
    id integer NOT NULL,
    method character varying NOT NULL,
    payload text NOT NULL,
    status character varying NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    claimed_at timestamp with time zone,
    sent_at timestamp with time zone,
    result_ts character varying,
    last_error character varying,
    resend_if_unknown boolean NOT NULL,
    coalesce_key character varying,
    why_step_id integer,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: outbox_message_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.outbox_message_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: outbox_message_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.outbox_message_id_seq OWNED BY public.outbox_message.id;


--
-- Name: slack_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.slack_user (
    user_id character varying NOT NULL,
    tz character varying NOT NULL,
    is_bot boolean NOT NULL,
    deleted boolean NOT NULL,
    fetched_at timestamp with time zone NOT NULL
);


--
-- Name: why_step; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.why_step (
    id integer NOT NULL,
    coe_id integer NOT NULL,
    number integer NOT NULL,
    parent_id integer,
    subject text NOT NULL,
    answer text,
    answer_author character varying,
    answer_ts character varying,
    answered_at timestamp with time zone,
    prompt_ts character varying,
    asked_at timestamp with time zone NOT NULL
);


--
-- Name: why_step_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.why_step_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: why_step_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.why_step_id_seq OWNED BY public.why_step.id;


--
-- Name: action_item id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item ALTER COLUMN id SET DEFAULT nextval('public.action_item_id_seq'::regclass);


--
-- Name: action_item_change id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item_change ALTER COLUMN id SET DEFAULT nextval('public.action_item_change_id_seq'::regclass);


--
-- Name: coe id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.coe ALTER COLUMN id SET DEFAULT nextval('public.coe_id_seq'::regclass);


--
-- Name: digest id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest ALTER COLUMN id SET DEFAULT nextval('public.digest_id_seq'::regclass);


--
-- Name: nudge id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nudge ALTER COLUMN id SET DEFAULT nextval('public.nudge_id_seq'::regclass);


--
-- Name: outbox_message id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox_message ALTER COLUMN id SET DEFAULT nextval('public.outbox_message_id_seq'::regclass);


--
-- Name: why_step id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.why_step ALTER COLUMN id SET DEFAULT nextval('public.why_step_id_seq'::regclass);


--
-- Data for Name: action_item; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.action_item VALUES (2, 1, 1, 'add a connection budget check to deploys', 'UALICE', '2026-12-10', 'medium', NULL, 'open', NULL, NULL, false, NULL, 'UALICE', '2026-11-25 10:00:00+00', NULL, '1800000002.000004');
INSERT INTO public.action_item VALUES (1, 1, 2, 'alarm on pool saturation', 'UBOB', '2026-11-26', 'medium', NULL, 'open', NULL, NULL, true, '2026-11-26', 'UALICE', '2026-11-25 10:00:00+00', NULL, '1800000002.000003');


--
-- Data for Name: action_item_change; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.action_item_change VALUES (1, 1, 'UALICE', '2026-11-25 10:00:00+00', 'created', '{"owner": "UBOB", "due": "2026-11-26", "why": 2, "priority": "medium", "kind": null}');
INSERT INTO public.action_item_change VALUES (2, 2, 'UALICE', '2026-11-25 10:00:00+00', 'created', '{"owner": "UALICE", "due": "2026-12-10", "why": 1, "priority": "medium", "kind": null}');


--
-- Data for Name: coe; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.coe VALUES (1, 'T0001', 'CINC', 'Checkout was down for 40 minutes', 'UALICE', 'asking', '1700000000.000001', '2026-11-25 10:00:00+00', NULL, 3);


--
-- Data for Name: digest; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.digest VALUES (1, 'CINC', 'manual 2026-11-26T14:00:00Z', '2026-11-26 14:00:00+00');


--
-- Data for Name: inbox_event; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.inbox_event VALUES ('command:trigger-1', 'command', 0, NULL, NULL, '2026-11-25 10:00:00+00', '{"token": "legacy", "team_id": "T0001", "team_domain": "acme", "channel_id": "CINC", "channel_name": "incident-42", "user_id": "UALICE", "user_name": "ualice", "command": "/coe", "text": "start Checkout was down for 40 minutes", "api_app_id": "A0001", "response_url": "http://127.0.0.1:32883/respond/cmd", "trigger_id": "trigger-1"}', '2026-11-25 10:00:00+00', 0, '2026-11-25 10:00:00+00', NULL);
INSERT INTO public.inbox_event VALUES ('Ev00000002', 'message', 1, 'CINC:1700000000.000001', '1800000001.000003', '2026-11-25 10:00:00+00', '{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000002", "event_time": 1795724709, "event": {"type": "message", "channel": "CINC", "user": "UBOB", "text": "The payment service ran out of database connections.", "ts": "1800000001.000003", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000001.000003"}}', '2026-11-25 10:00:00+00', 0, '2026-11-25 10:00:00+00', NULL);
INSERT INTO public.inbox_event VALUES ('Ev00000003', 'message', 1, 'CINC:1700000000.000001', '1800000001.000004', '2026-11-25 10:00:00+00', '{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000003", "event_time": 1795724709, "event": {"type": "message", "channel": "CINC", "user": "UALICE", "text": "A deploy halved the connection pool.", "ts": "1800000001.000004", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000001.000004"}}', '2026-11-25 10:00:00+00', 0, '2026-11-25 10:00:00+00', NULL);
INSERT INTO public.inbox_event VALUES ('Ev00000004', 'message', 1, 'CINC:1700000000.000001', '1800000002.000003', '2026-11-25 10:00:00+00', '{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000004", "event_time": 1795724709, "event": {"type": "message", "channel": "CINC", "user": "UALICE", "text": "action: alarm on pool saturation <@UBOB> due 2026-11-26", "ts": "1800000002.000003", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000002.000003"}}', '2026-11-25 10:00:00+00', 0, '2026-11-25 10:00:00+00', NULL);
INSERT INTO public.inbox_event VALUES ('Ev00000005', 'message', 1, 'CINC:1700000000.000001', '1800000002.000004', '2026-11-25 10:00:00+00', '{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000005", "event_time": 1795724709, "event": {"type": "message", "channel": "CINC", "user": "UALICE", "text": "action #1: add a connection budget check to deploys <@UALICE> due 2026-12-10", "ts": "1800000002.000004", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000002.000004"}}', '2026-11-25 10:00:00+00', 0, '2026-11-25 10:00:00+00', NULL);


--
-- Data for Name: nudge; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.nudge VALUES (1, 1, '2026-11-26', 'due_soon', '2026-11-26 14:00:00+00');


--
-- Data for Name: outbox_message; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.outbox_message VALUES (1, 'chat.postMessage', '{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "Why #1: why did \"Checkout was down for 40 minutes\" happen?", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Why #1: why did \"Checkout was down for 40 minutes\" happen?*"}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer. Start with `//` for an aside that is not an answer. `undo` takes back the latest answer. Say `done` (or \"we''re out of ideas\") when you have run out of whys. `action: <what> @owner due <date>` records an action item."}]}, {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "We''re out of ideas", "emoji": true}, "action_id": "coe_end_chain", "value": "1"}]}]}', 'sent', 1, '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '1700000000.000002', NULL, true, NULL, 1, '2026-11-25 10:00:00+00');
INSERT INTO public.outbox_message VALUES (2, 'chat.postMessage', '{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "Why #2: why did \"The payment service ran out of database connections.\" happen?", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Why #2: why did \"The payment service ran out of database connections.\" happen?*"}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer. Start with `//` for an aside that is not an answer. `undo` takes back the latest answer. Say `done` (or \"we''re out of ideas\") when you have run out of whys. `action: <what> @owner due <date>` records an action item."}]}, {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "We''re out of ideas", "emoji": true}, "action_id": "coe_end_chain", "value": "1"}]}]}', 'sent', 1, '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '1700000000.000003', NULL, true, NULL, 2, '2026-11-25 10:00:00+00');
INSERT INTO public.outbox_message VALUES (4, 'chat.postMessage', '{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "Why #3: why did \"A deploy halved the connection pool.\" happen?", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Why #3: why did \"A deploy halved the connection pool.\" happen?*"}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer. Start with `//` for an aside that is not an answer. `undo` takes back the latest answer. Say `done` (or \"we''re out of ideas\") when you have run out of whys. `action: <what> @owner due <date>` records an action item."}]}, {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "We''re out of ideas", "emoji": true}, "action_id": "coe_end_chain", "value": "1"}]}]}', 'sent', 1, '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '1700000000.000004', NULL, true, NULL, 3, '2026-11-25 10:00:00+00');
INSERT INTO public.outbox_message VALUES (5, 'chat.postMessage', '{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "<@UALICE> added an action item to COE-1: \u201calarm on pool saturation\u201d\n\u2022 Owner: <@UBOB>\n\u2022 Due: Thu 26 Nov 2026\n\u2022 Addresses Why #2: \u201cA deploy halved the connection pool.\u201d", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@UALICE> added an action item to COE-1:\n*\u201calarm on pool saturation\u201d*"}}, {"type": "section", "fields": [{"type": "mrkdwn", "text": "Owner: <@UBOB>"}, {"type": "mrkdwn", "text": "Due: Thu 26 Nov 2026"}, {"type": "mrkdwn", "text": "Addresses Why #2: \u201cA deploy halved the connection pool.\u201d"}]}]}', 'sent', 1, '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '1700000000.000005', NULL, true, NULL, NULL, '2026-11-25 10:00:00+00');
INSERT INTO public.outbox_message VALUES (6, 'chat.postMessage', '{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "<@UALICE> added an action item to COE-1: \u201cadd a connection budget check to deploys\u201d\n\u2022 Owner: <@UALICE>\n\u2022 Due: Thu 10 Dec 2026\n\u2022 Addresses Why #1: \u201cThe payment service ran out of database connections.\u201d", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@UALICE> added an action item to COE-1:\n*\u201cadd a connection budget check to deploys\u201d*"}}, {"type": "section", "fields": [{"type": "mrkdwn", "text": "Owner: <@UALICE>"}, {"type": "mrkdwn", "text": "Due: Thu 10 Dec 2026"}, {"type": "mrkdwn", "text": "Addresses Why #1: \u201cThe payment service ran out of database connections.\u201d"}]}]}', 'sent', 1, '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '2026-11-25 10:00:00+00', '1700000000.000006', NULL, true, NULL, NULL, '2026-11-25 10:00:00+00');
INSERT INTO public.outbox_message VALUES (3, 'chat.update', '{"channel": "CINC", "ts": "1700000000.000001", "text": "COE-1: Checkout was down for 40 minutes (facilitator <@UALICE>, status: asking why #3)", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Checkout was down for 40 minutes", "emoji": true}}, {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Facilitator*\n<@UALICE>"}, {"type": "mrkdwn", "text": "*Status*\nasking why #3"}]}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "COE-1 \u00b7 Correction of Error review \u00b7 we look for mechanisms, not blame"}]}]}', 'sent', 1, '2026-11-25 10:00:02+00', '2026-11-26 14:00:00+00', '2026-11-26 14:00:00+00', '1700000000.000001', NULL, true, 'coe-parent:1', NULL, '2026-11-25 10:00:00+00');
INSERT INTO public.outbox_message VALUES (7, 'chat.postMessage', '{"channel": "UBOB", "text": "Reminder: \u201calarm on pool saturation\u201d (COE-1: Checkout was down for 40 minutes) is due today (Thu 26 Nov 2026).", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Action item due soon*: alarm on pool saturation\n*Due today* (Thu 26 Nov 2026)\nFrom *COE-1: Checkout was down for 40 minutes*\nAddresses why #2: A deploy halved the connection pool."}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "I''ll remind you again each working day once it is overdue."}]}, {"type": "actions", "block_id": "item-1", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Done", "emoji": true}, "action_id": "coe_item_done", "value": "1", "style": "primary"}, {"type": "button", "text": {"type": "plain_text", "text": "Snooze a week", "emoji": true}, "action_id": "coe_item_snooze", "value": "1"}, {"type": "button", "text": {"type": "plain_text", "text": "Drop", "emoji": true}, "action_id": "coe_item_drop", "value": "1", "style": "danger"}]}]}', 'sent', 1, '2026-11-26 14:00:00+00', '2026-11-26 14:00:00+00', '2026-11-26 14:00:00+00', '1700000000.000007', NULL, false, NULL, NULL, '2026-11-26 14:00:00+00');
INSERT INTO public.outbox_message VALUES (8, 'chat.postMessage', '{"channel": "CINC", "text": "COE action items: weekly digest, Thu 26 Nov 2026\n2 open, 0 overdue \u00b7 0 completed in the past week\n<@UBOB> (1 open)\n\u2022 alarm on pool saturation (COE-1, Due Thu 26 Nov 2026)\n<@UALICE> (1 open)\n\u2022 add a connection budget check to deploys (COE-1, Due Thu 10 Dec 2026)\nProgress by COE:\nCOE-1 Checkout was down for 40 minutes: 0/2 done", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "COE action items: weekly digest, Thu 26 Nov 2026", "emoji": true}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "2 open, 0 overdue \u00b7 0 completed in the past week"}]}, {"type": "section", "text": {"type": "mrkdwn", "text": "*<@UBOB>* \u00b7 1 open"}}, {"type": "section", "text": {"type": "mrkdwn", "text": "alarm on pool saturation\nDue Thu 26 Nov 2026 \u00b7 *COE-1* Checkout was down for 40 minutes"}}, {"type": "actions", "block_id": "item-1", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Done", "emoji": true}, "action_id": "coe_item_done", "value": "1", "style": "primary"}, {"type": "button", "text": {"type": "plain_text", "text": "Snooze a week", "emoji": true}, "action_id": "coe_item_snooze", "value": "1"}, {"type": "button", "text": {"type": "plain_text", "text": "Drop", "emoji": true}, "action_id": "coe_item_drop", "value": "1", "style": "danger"}]}, {"type": "section", "text": {"type": "mrkdwn", "text": "*<@UALICE>* \u00b7 1 open"}}, {"type": "section", "text": {"type": "mrkdwn", "text": "add a connection budget check to deploys\nDue Thu 10 Dec 2026 \u00b7 *COE-1* Checkout was down for 40 minutes"}}, {"type": "actions", "block_id": "item-2", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Done", "emoji": true}, "action_id": "coe_item_done", "value": "2", "style": "primary"}, {"type": "button", "text": {"type": "plain_text", "text": "Snooze a week", "emoji": true}, "action_id": "coe_item_snooze", "value": "2"}, {"type": "button", "text": {"type": "plain_text", "text": "Drop", "emoji": true}, "action_id": "coe_item_drop", "value": "2", "style": "danger"}]}, {"type": "section", "text": {"type": "mrkdwn", "text": "*Progress by COE*"}}, {"type": "section", "text": {"type": "mrkdwn", "text": "*COE-1* Checkout was down for 40 minutes: 0/2 done"}}]}', 'sent', 1, '2026-11-26 14:00:00+00', '2026-11-26 14:00:00+00', '2026-11-26 14:00:00+00', '1700000000.000008', NULL, false, NULL, NULL, '2026-11-26 14:00:00+00');


--
-- Data for Name: slack_user; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.slack_user VALUES ('UBOB', 'America/New_York', false, false, '2026-11-25 10:00:00+00');
INSERT INTO public.slack_user VALUES ('UALICE', 'Europe/London', false, false, '2026-11-25 10:00:00+00');


--
-- Data for Name: why_step; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.why_step VALUES (1, 1, 1, NULL, 'Checkout was down for 40 minutes', 'The payment service ran out of database connections.', 'UBOB', '1800000001.000003', '2026-11-25 10:00:00+00', '1700000000.000002', '2026-11-25 10:00:00+00');
INSERT INTO public.why_step VALUES (2, 1, 2, 1, 'The payment service ran out of database connections.', 'A deploy halved the connection pool.', 'UALICE', '1800000001.000004', '2026-11-25 10:00:00+00', '1700000000.000003', '2026-11-25 10:00:00+00');
INSERT INTO public.why_step VALUES (3, 1, 3, 2, 'A deploy halved the connection pool.', NULL, NULL, NULL, NULL, '1700000000.000004', '2026-11-25 10:00:00+00');


--
-- Name: action_item_change_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.action_item_change_id_seq', 2, true);


--
-- Name: action_item_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.action_item_id_seq', 2, true);


--
-- Name: coe_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.coe_id_seq', 1, true);


--
-- Name: digest_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.digest_id_seq', 1, true);


--
-- Name: nudge_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.nudge_id_seq', 1, true);


--
-- Name: outbox_message_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.outbox_message_id_seq', 8, true);


--
-- Name: why_step_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.why_step_id_seq', 3, true);


--
-- Name: action_item_change action_item_change_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item_change
    ADD CONSTRAINT action_item_change_pkey PRIMARY KEY (id);


--
-- Name: action_item action_item_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item
    ADD CONSTRAINT action_item_pkey PRIMARY KEY (id);


--
-- Name: coe coe_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.coe
    ADD CONSTRAINT coe_pkey PRIMARY KEY (id);


--
-- Name: digest digest_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest
    ADD CONSTRAINT digest_pkey PRIMARY KEY (id);


--
-- Name: inbox_event inbox_event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.inbox_event
    ADD CONSTRAINT inbox_event_pkey PRIMARY KEY (event_id);


--
-- Name: nudge nudge_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nudge
    ADD CONSTRAINT nudge_pkey PRIMARY KEY (id);


--
-- Name: outbox_message outbox_message_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox_message
    ADD CONSTRAINT outbox_message_pkey PRIMARY KEY (id);


--
-- Name: slack_user slack_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.slack_user
    ADD CONSTRAINT slack_user_pkey PRIMARY KEY (user_id);


--
-- Name: action_item uq_action_item_source; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item
    ADD CONSTRAINT uq_action_item_source UNIQUE (coe_id, source_ts);


--
-- Name: coe uq_coe_thread; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.coe
    ADD CONSTRAINT uq_coe_thread UNIQUE (channel_id, parent_ts);


--
-- Name: digest uq_digest_channel_period; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest
    ADD CONSTRAINT uq_digest_channel_period UNIQUE (channel_id, period);


--
-- Name: nudge uq_nudge_item_day; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nudge
    ADD CONSTRAINT uq_nudge_item_day UNIQUE (item_id, day);


--
-- Name: why_step uq_why_step_number; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.why_step
    ADD CONSTRAINT uq_why_step_number UNIQUE (coe_id, number);


--
-- Name: why_step why_step_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.why_step
    ADD CONSTRAINT why_step_pkey PRIMARY KEY (id);


--
-- Name: ix_action_item_change_item_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_action_item_change_item_id ON public.action_item_change USING btree (item_id);


--
-- Name: ix_action_item_closed_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_action_item_closed_at ON public.action_item USING btree (closed_at);


--
-- Name: ix_action_item_coe_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_action_item_coe_id ON public.action_item USING btree (coe_id);


--
-- Name: ix_action_item_owner; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_action_item_owner ON public.action_item USING btree (owner_id, status);


--
-- Name: ix_action_item_sweep; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_action_item_sweep ON public.action_item USING btree (status, due);


--
-- Name: ix_coe_channel_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_coe_channel_id ON public.coe USING btree (channel_id);


--
-- Name: ix_inbox_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_inbox_pending ON public.inbox_event USING btree (processed_at, next_attempt_at);


--
-- Name: ix_outbox_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_due ON public.outbox_message USING btree (status, next_attempt_at);


--
-- Name: ix_outbox_message_coalesce_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_message_coalesce_key ON public.outbox_message USING btree (coalesce_key);


--
-- Name: ix_why_step_coe_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_why_step_coe_id ON public.why_step USING btree (coe_id);


--
-- Name: action_item_change action_item_change_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item_change
    ADD CONSTRAINT action_item_change_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.action_item(id);


--
-- Name: action_item action_item_coe_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_item
    ADD CONSTRAINT action_item_coe_id_fkey FOREIGN KEY (coe_id) REFERENCES public.coe(id);


--
-- Name: nudge nudge_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nudge
    ADD CONSTRAINT nudge_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.action_item(id);


--
-- Name: why_step why_step_coe_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.why_step
    ADD CONSTRAINT why_step_coe_id_fkey FOREIGN KEY (coe_id) REFERENCES public.coe(id);


--
-- Name: why_step why_step_parent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.why_step
    ADD CONSTRAINT why_step_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.why_step(id);


--
-- PostgreSQL database dump complete
--


