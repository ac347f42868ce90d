-- The telemq database, as the ordered list of migrations that build it. A line
-- "-- migration N: title" starts migration N; each runs once, in order, in the transaction that
-- also sets PRAGMA user_version to N. Never edit a migration that has shipped: append one.
--
-- Times are Unix milliseconds (UTC). Properties are persistence/blob_codec.cpp's encoding, NULL
-- when a message has none.

-- migration 1: initial schema

-- 'TLMQ': tells a telemq database from another program's.
PRAGMA application_id = 1414286673;

-- Sessions that outlive their connection. A session row holds its will, which may carry a
-- large payload, so this stays a rowid table (WITHOUT ROWID suits small rows).
CREATE TABLE sessions (
  client_id TEXT PRIMARY KEY NOT NULL,
  version INTEGER NOT NULL,            -- 3, 4 or 5 (MQTT 3.1, 3.1.1, 5.0)
  expiry_interval INTEGER NOT NULL,    -- seconds; 4294967295 never expires
  disconnected_at INTEGER,             -- NULL while the client is connected
  username TEXT NOT NULL,
  will_topic TEXT,                     -- the will's columns are NULL when there is none
  will_payload BLOB,
  will_qos INTEGER,
  will_retain INTEGER,
  will_properties BLOB,
  will_expires_at INTEGER,
  will_delay INTEGER
);

CREATE TABLE subscriptions (
  client_id TEXT NOT NULL,
  filter TEXT NOT NULL,                -- as subscribed, $share/group/ included
  options INTEGER NOT NULL,            -- the MQTT 5.0 subscription options byte
  identifier INTEGER NOT NULL,         -- 0 when none
  PRIMARY KEY (client_id, filter)
) WITHOUT ROWID;

CREATE TABLE retained (
  topic TEXT PRIMARY KEY NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  properties BLOB,
  expires_at INTEGER
);

-- A message queued for one or more sessions, stored once however many deliveries name it and
-- deleted with the last of them. id is the core's message id (the rowid itself).
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  properties BLOB,
  expires_at INTEGER
);

CREATE TABLE deliveries (
  client_id TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  sequence INTEGER NOT NULL,           -- order within the session's queue
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  state INTEGER NOT NULL,              -- 0 queued, 1 PUBLISH sent, 2 PUBREL sent
  packet_id INTEGER NOT NULL,
  subscription_identifiers BLOB,       -- variable byte integers, NULL when none
  PRIMARY KEY (client_id, message_id)
) WITHOUT ROWID;

-- Answers "does any delivery still name this message?" when one is deleted.
CREATE INDEX deliveries_by_message ON deliveries (message_id);

-- QoS 2 packet identifiers received and not yet released by PUBREL.
CREATE TABLE incoming_qos2 (
  client_id TEXT NOT NULL,
  packet_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, packet_id)
) WITHOUT ROWID;
