PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE coe (
	id INTEGER NOT NULL, 
	team_id VARCHAR NOT NULL, 
	channel_id VARCHAR NOT NULL, 
	problem TEXT NOT NULL, 
	facilitator_id VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	parent_ts VARCHAR, 
	created_at DATETIME NOT NULL, 
	ended_at DATETIME, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_coe_thread UNIQUE (channel_id, parent_ts)
);
INSERT INTO coe VALUES(1,'T0001','CINC','Checkout was down for 40 minutes','UALICE','asking','1700000000.000001','2026-11-25 10:00:00.000000',NULL,3);
CREATE TABLE inbox_event (
	event_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	priority INTEGER NOT NULL, 
	thread_key VARCHAR, 
	message_ts VARCHAR, 
	received_at DATETIME NOT NULL, 
	payload TEXT NOT NULL, 
	processed_at DATETIME, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	last_error TEXT, 
	PRIMARY KEY (event_id)
);
INSERT INTO inbox_event VALUES('command:trigger-1','command',0,NULL,NULL,'2026-11-25 10:00:00.000000','{"token": "legacy", "team_id": "T0001", "team_domain": "acme", "channel_id": "CINC", "channel_name": "incident-42", "user_id": "UALICE", "user_name": "ualice", "command": "/coe", "text": "start Checkout was down for 40 minutes", "api_app_id": "A0001", "response_url": "http://127.0.0.1:40057/respond/cmd", "trigger_id": "trigger-1"}','2026-11-25 10:00:00.000000',0,'2026-11-25 10:00:00.000000',NULL);
INSERT INTO inbox_event VALUES('Ev00000002','message',1,'CINC:1700000000.000001','1800000001.000001','2026-11-25 10:00:00.000000','{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000002", "event_time": 1795724708, "event": {"type": "message", "channel": "CINC", "user": "UBOB", "text": "The payment service ran out of database connections.", "ts": "1800000001.000001", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000001.000001"}}','2026-11-25 10:00:00.000000',0,'2026-11-25 10:00:00.000000',NULL);
INSERT INTO inbox_event VALUES('Ev00000003','message',1,'CINC:1700000000.000001','1800000001.000002','2026-11-25 10:00:00.000000','{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000003", "event_time": 1795724708, "event": {"type": "message", "channel": "CINC", "user": "UALICE", "text": "A deploy halved the connection pool.", "ts": "1800000001.000002", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000001.000002"}}','2026-11-25 10:00:00.000000',0,'2026-11-25 10:00:00.000000',NULL);
INSERT INTO inbox_event VALUES('Ev00000004','message',1,'CINC:1700000000.000001','1800000002.000001','2026-11-25 10:00:00.000000','{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000004", "event_time": 1795724709, "event": {"type": "message", "channel": "CINC", "user": "UALICE", "text": "action: alarm on pool saturation <@UBOB> due 2026-11-26", "ts": "1800000002.000001", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000002.000001"}}','2026-11-25 10:00:00.000000',0,'2026-11-25 10:00:00.000000',NULL);
INSERT INTO inbox_event VALUES('Ev00000005','message',1,'CINC:1700000000.000001','1800000002.000002','2026-11-25 10:00:00.000000','{"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback", "event_id": "Ev00000005", "event_time": 1795724709, "event": {"type": "message", "channel": "CINC", "user": "UALICE", "text": "action #1: add a connection budget check to deploys <@UALICE> due 2026-12-10", "ts": "1800000002.000002", "thread_ts": "1700000000.000001", "channel_type": "channel", "event_ts": "1800000002.000002"}}','2026-11-25 10:00:00.000000',0,'2026-11-25 10:00:00.000000',NULL);
CREATE TABLE outbox_message (
	id INTEGER NOT NULL, 
	method VARCHAR NOT NULL, 
	payload TEXT NOT NULL, 
	status VARCHAR NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	claimed_at DATETIME, 
	sent_at DATETIME, 
	result_ts VARCHAR, 
	last_error VARCHAR, 
	resend_if_unknown BOOLEAN NOT NULL, 
	coalesce_key VARCHAR, 
	why_step_id INTEGER, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO outbox_message VALUES(1,'chat.postMessage','{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "Why #1: why did \"Checkout was down for 40 minutes\" happen?", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Why #1: why did \"Checkout was down for 40 minutes\" happen?*"}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer. Start with `//` for an aside that is not an answer. `undo` takes back the latest answer. Say `done` (or \"we''re out of ideas\") when you have run out of whys. `action: <what> @owner due <date>` records an action item."}]}, {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "We''re out of ideas", "emoji": true}, "action_id": "coe_end_chain", "value": "1"}]}]}','sent',1,'2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','1700000000.000002',NULL,1,NULL,1,'2026-11-25 10:00:00.000000');
INSERT INTO outbox_message VALUES(2,'chat.postMessage','{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "Why #2: why did \"The payment service ran out of database connections.\" happen?", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Why #2: why did \"The payment service ran out of database connections.\" happen?*"}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer. Start with `//` for an aside that is not an answer. `undo` takes back the latest answer. Say `done` (or \"we''re out of ideas\") when you have run out of whys. `action: <what> @owner due <date>` records an action item."}]}, {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "We''re out of ideas", "emoji": true}, "action_id": "coe_end_chain", "value": "1"}]}]}','sent',1,'2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','1700000000.000003',NULL,1,NULL,2,'2026-11-25 10:00:00.000000');
INSERT INTO outbox_message VALUES(3,'chat.update','{"channel": "CINC", "ts": "1700000000.000001", "text": "COE-1: Checkout was down for 40 minutes (facilitator <@UALICE>, status: asking why #3)", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Checkout was down for 40 minutes", "emoji": true}}, {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Facilitator*\n<@UALICE>"}, {"type": "mrkdwn", "text": "*Status*\nasking why #3"}]}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "COE-1 \u00b7 Correction of Error review \u00b7 we look for mechanisms, not blame"}]}]}','sent',1,'2026-11-25 10:00:02.000000','2026-11-26 14:00:00.000000','2026-11-26 14:00:00.000000','1700000000.000001',NULL,1,'coe-parent:1',NULL,'2026-11-25 10:00:00.000000');
INSERT INTO outbox_message VALUES(4,'chat.postMessage','{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "Why #3: why did \"A deploy halved the connection pool.\" happen?", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Why #3: why did \"A deploy halved the connection pool.\" happen?*"}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer. Start with `//` for an aside that is not an answer. `undo` takes back the latest answer. Say `done` (or \"we''re out of ideas\") when you have run out of whys. `action: <what> @owner due <date>` records an action item."}]}, {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "We''re out of ideas", "emoji": true}, "action_id": "coe_end_chain", "value": "1"}]}]}','sent',1,'2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','1700000000.000004',NULL,1,NULL,3,'2026-11-25 10:00:00.000000');
INSERT INTO outbox_message VALUES(5,'chat.postMessage','{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "<@UALICE> added an action item to COE-1: \u201calarm on pool saturation\u201d\n\u2022 Owner: <@UBOB>\n\u2022 Due: Thu 26 Nov 2026\n\u2022 Addresses Why #2: \u201cA deploy halved the connection pool.\u201d", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@UALICE> added an action item to COE-1:\n*\u201calarm on pool saturation\u201d*"}}, {"type": "section", "fields": [{"type": "mrkdwn", "text": "Owner: <@UBOB>"}, {"type": "mrkdwn", "text": "Due: Thu 26 Nov 2026"}, {"type": "mrkdwn", "text": "Addresses Why #2: \u201cA deploy halved the connection pool.\u201d"}]}]}','sent',1,'2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','1700000000.000005',NULL,1,NULL,NULL,'2026-11-25 10:00:00.000000');
INSERT INTO outbox_message VALUES(6,'chat.postMessage','{"channel": "CINC", "thread_ts": "1700000000.000001", "text": "<@UALICE> added an action item to COE-1: \u201cadd a connection budget check to deploys\u201d\n\u2022 Owner: <@UALICE>\n\u2022 Due: Thu 10 Dec 2026\n\u2022 Addresses Why #1: \u201cThe payment service ran out of database connections.\u201d", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@UALICE> added an action item to COE-1:\n*\u201cadd a connection budget check to deploys\u201d*"}}, {"type": "section", "fields": [{"type": "mrkdwn", "text": "Owner: <@UALICE>"}, {"type": "mrkdwn", "text": "Due: Thu 10 Dec 2026"}, {"type": "mrkdwn", "text": "Addresses Why #1: \u201cThe payment service ran out of database connections.\u201d"}]}]}','sent',1,'2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','2026-11-25 10:00:00.000000','1700000000.000006',NULL,1,NULL,NULL,'2026-11-25 10:00:00.000000');
INSERT INTO outbox_message VALUES(7,'chat.postMessage','{"channel": "UBOB", "text": "Reminder: \u201calarm on pool saturation\u201d (COE-1: Checkout was down for 40 minutes) is due today (Thu 26 Nov 2026).", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Action item due soon*: alarm on pool saturation\n*Due today* (Thu 26 Nov 2026)\nFrom *COE-1: Checkout was down for 40 minutes*\nAddresses why #2: A deploy halved the connection pool."}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "I''ll remind you again each working day once it is overdue."}]}, {"type": "actions", "block_id": "item-1", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Done", "emoji": true}, "action_id": "coe_item_done", "value": "1", "style": "primary"}, {"type": "button", "text": {"type": "plain_text", "text": "Snooze a week", "emoji": true}, "action_id": "coe_item_snooze", "value": "1"}, {"type": "button", "text": {"type": "plain_text", "text": "Drop", "emoji": true}, "action_id": "coe_item_drop", "value": "1", "style": "danger"}]}]}','sent',1,'2026-11-26 14:00:00.000000','2026-11-26 14:00:00.000000','2026-11-26 14:00:00.000000','1700000000.000007',NULL,0,NULL,NULL,'2026-11-26 14:00:00.000000');
INSERT INTO outbox_message VALUES(8,'chat.postMessage','{"channel": "CINC", "text": "COE action items: weekly digest, Thu 26 Nov 2026\n2 open, 0 overdue \u00b7 0 completed in the past week\n<@UBOB> (1 open)\n\u2022 alarm on pool saturation (COE-1, Due Thu 26 Nov 2026)\n<@UALICE> (1 open)\n\u2022 add a connection budget check to deploys (COE-1, Due Thu 10 Dec 2026)\nProgress by COE:\nCOE-1 Checkout was down for 40 minutes: 0/2 done", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "COE action items: weekly digest, Thu 26 Nov 2026", "emoji": true}}, {"type": "context", "elements": [{"type": "mrkdwn", "text": "2 open, 0 overdue \u00b7 0 completed in the past week"}]}, {"type": "section", "text": {"type": "mrkdwn", "text": "*<@UBOB>* \u00b7 1 open"}}, {"type": "section", "text": {"type": "mrkdwn", "text": "alarm on pool saturation\nDue Thu 26 Nov 2026 \u00b7 *COE-1* Checkout was down for 40 minutes"}}, {"type": "actions", "block_id": "item-1", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Done", "emoji": true}, "action_id": "coe_item_done", "value": "1", "style": "primary"}, {"type": "button", "text": {"type": "plain_text", "text": "Snooze a week", "emoji": true}, "action_id": "coe_item_snooze", "value": "1"}, {"type": "button", "text": {"type": "plain_text", "text": "Drop", "emoji": true}, "action_id": "coe_item_drop", "value": "1", "style": "danger"}]}, {"type": "section", "text": {"type": "mrkdwn", "text": "*<@UALICE>* \u00b7 1 open"}}, {"type": "section", "text": {"type": "mrkdwn", "text": "add a connection budget check to deploys\nDue Thu 10 Dec 2026 \u00b7 *COE-1* Checkout was down for 40 minutes"}}, {"type": "actions", "block_id": "item-2", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Done", "emoji": true}, "action_id": "coe_item_done", "value": "2", "style": "primary"}, {"type": "button", "text": {"type": "plain_text", "text": "Snooze a week", "emoji": true}, "action_id": "coe_item_snooze", "value": "2"}, {"type": "button", "text": {"type": "plain_text", "text": "Drop", "emoji": true}, "action_id": "coe_item_drop", "value": "2", "style": "danger"}]}, {"type": "section", "text": {"type": "mrkdwn", "text": "*Progress by COE*"}}, {"type": "section", "text": {"type": "mrkdwn", "text": "*COE-1* Checkout was down for 40 minutes: 0/2 done"}}]}','sent',1,'2026-11-26 14:00:00.000000','2026-11-26 14:00:00.000000','2026-11-26 14:00:00.000000','1700000000.000008',NULL,0,NULL,NULL,'2026-11-26 14:00:00.000000');
CREATE TABLE slack_user (
	user_id VARCHAR NOT NULL, 
	tz VARCHAR NOT NULL, 
	is_bot BOOLEAN NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	fetched_at DATETIME NOT NULL, 
	PRIMARY KEY (user_id)
);
INSERT INTO slack_user VALUES('UBOB','America/New_York',0,0,'2026-11-25 10:00:00.000000');
INSERT INTO slack_user VALUES('UALICE','Europe/London',0,0,'2026-11-25 10:00:00.000000');
CREATE TABLE digest (
	id INTEGER NOT NULL, 
	channel_id VARCHAR NOT NULL, 
	period VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_digest_channel_period UNIQUE (channel_id, period)
);
INSERT INTO digest VALUES(1,'CINC','manual 2026-11-26T14:00:00Z','2026-11-26 14:00:00.000000');
CREATE TABLE why_step (
	id INTEGER NOT NULL, 
	coe_id INTEGER NOT NULL, 
	number INTEGER NOT NULL, 
	parent_id INTEGER, 
	subject TEXT NOT NULL, 
	answer TEXT, 
	answer_author VARCHAR, 
	answer_ts VARCHAR, 
	answered_at DATETIME, 
	prompt_ts VARCHAR, 
	asked_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_why_step_number UNIQUE (coe_id, number), 
	FOREIGN KEY(coe_id) REFERENCES coe (id), 
	FOREIGN KEY(parent_id) REFERENCES why_step (id)
);
INSERT INTO why_step VALUES(1,1,1,NULL,'Checkout was down for 40 minutes','The payment service ran out of database connections.','UBOB','1800000001.000001','2026-11-25 10:00:00.000000','1700000000.000002','2026-11-25 10:00:00.000000');
INSERT INTO why_step VALUES(2,1,2,1,'The payment service ran out of database connections.','A deploy halved the connection pool.','UALICE','1800000001.000002','2026-11-25 10:00:00.000000','1700000000.000003','2026-11-25 10:00:00.000000');
INSERT INTO why_step VALUES(3,1,3,2,'A deploy halved the connection pool.',NULL,NULL,NULL,NULL,'1700000000.000004','2026-11-25 10:00:00.000000');
CREATE TABLE action_item (
	id INTEGER NOT NULL, 
	coe_id INTEGER NOT NULL, 
	why_number INTEGER, 
	text TEXT NOT NULL, 
	owner_id VARCHAR NOT NULL, 
	due DATE NOT NULL, 
	priority VARCHAR NOT NULL, 
	kind VARCHAR, 
	status VARCHAR NOT NULL, 
	drop_reason TEXT, 
	snoozed_until DATE, 
	due_soon_nudged BOOLEAN NOT NULL, 
	last_nudged_on DATE, 
	created_by VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	source_ts VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_action_item_source UNIQUE (coe_id, source_ts), 
	FOREIGN KEY(coe_id) REFERENCES coe (id)
);
INSERT INTO action_item VALUES(1,1,2,'alarm on pool saturation','UBOB','2026-11-26','medium',NULL,'open',NULL,NULL,1,'2026-11-26','UALICE','2026-11-25 10:00:00.000000',NULL,'1800000002.000001');
INSERT INTO action_item VALUES(2,1,1,'add a connection budget check to deploys','UALICE','2026-12-10','medium',NULL,'open',NULL,NULL,0,NULL,'UALICE','2026-11-25 10:00:00.000000',NULL,'1800000002.000002');
CREATE TABLE action_item_change (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	actor_id VARCHAR NOT NULL, 
	at DATETIME NOT NULL, 
	change VARCHAR NOT NULL, 
	detail TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(item_id) REFERENCES action_item (id)
);
INSERT INTO action_item_change VALUES(1,1,'UALICE','2026-11-25 10:00:00.000000','created','{"owner": "UBOB", "due": "2026-11-26", "why": 2, "priority": "medium", "kind": null}');
INSERT INTO action_item_change VALUES(2,2,'UALICE','2026-11-25 10:00:00.000000','created','{"owner": "UALICE", "due": "2026-12-10", "why": 1, "priority": "medium", "kind": null}');
CREATE TABLE nudge (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	day DATE NOT NULL, 
	kind VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_nudge_item_day UNIQUE (item_id, day), 
	FOREIGN KEY(item_id) REFERENCES action_item (id)
);
INSERT INTO nudge VALUES(1,1,'2026-11-26','due_soon','2026-11-26 14:00:00.000000');
CREATE INDEX ix_coe_channel_id ON coe (channel_id);
CREATE INDEX ix_inbox_pending ON inbox_event (processed_at, next_attempt_at);
CREATE INDEX ix_outbox_due ON outbox_message (status, next_attempt_at);
CREATE INDEX ix_outbox_message_coalesce_key ON outbox_message (coalesce_key);
CREATE INDEX ix_why_step_coe_id ON why_step (coe_id);
CREATE INDEX ix_action_item_closed_at ON action_item (closed_at);
CREATE INDEX ix_action_item_sweep ON action_item (status, due);
CREATE INDEX ix_action_item_coe_id ON action_item (coe_id);
CREATE INDEX ix_action_item_owner ON action_item (owner_id, status);
CREATE INDEX ix_action_item_change_item_id ON action_item_change (item_id);
COMMIT;
