-- Dagster's run, event-log and schedule storage (deploy/dagster/dagster.yaml) gets its own database,
-- owned by the stack's owner role, so that its tables never mix with the warehouse's schemas.
-- The official postgres image runs this file once, on an empty data volume, as POSTGRES_USER.
create database dagster;

-- Only the owner connects to it; in particular the dashboard's role does not.
revoke connect on database dagster from public;
