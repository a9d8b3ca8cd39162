-- fourroads team hub, schema version 2: a case's other fields (owner, later calls,
-- callback, summary) travel as their own kind of operation, 'case-field'.

ALTER TABLE ops DROP CONSTRAINT ops_kind_check;
ALTER TABLE ops ADD CONSTRAINT ops_kind_check CHECK (kind IN (
    'customer-create', 'customer-field', 'customer-status', 'call-put', 'call-notes',
    'review', 'acknowledge', 'case-open', 'case-close', 'case-reopen', 'case-due',
    'case-field', 'audit', 'erase', 'gone'));
