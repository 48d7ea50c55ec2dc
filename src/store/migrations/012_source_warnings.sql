-- What the last successful poll of a source left out and why (results not in the shape its API documents): the
-- poll succeeds with the rest, so last_error stays empty, and this is where users see that something was skipped.
ALTER TABLE sources ADD COLUMN last_warning text;
