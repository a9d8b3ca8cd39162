-- fourroads team hub, schema version 3: merging a duplicate customer into another travels
-- as its own kind of operation, 'customer-merge' (its customer_id is the duplicate, its
-- subject_id the customer it was merged into).

ALTER TABLE ops DROP CONSTRAINT ops_kind_check;
ALTER TABLE ops ADD CONSTRAINT ops_kind_check CHECK (kind IN (
    'customer-create', 'customer-field', 'customer-status', 'call-put', 'call-notes',
    'review', 'acknowledge', 'case-open', 'case-close', 'case-reopen', 'case-due',
    'case-field', 'audit', 'customer-merge', 'erase', 'gone'));
