-- The data stewards' role (dashboard/README.md "Stewards read ops"): the dashboard switches to it, for stewards
-- and admins only, to show the load ledger and refused rows. Ingest grants it USAGE on `ops` and SELECT on
-- ops.loads, ops.rejects, ops.audit_log, ops.feed_cursors and ops.latest_successful_loads when it creates them
-- (ingest/sql/schema.sql), and nothing else. Created here so that the dashboard's login role can be granted it
-- before the first load.
create role co2calc_steward nologin;

-- The login role is NOINHERIT (10-dashboard-role.sql): it holds none of the steward's rights until a steward's
-- query switches to the role, inside that query's transaction.
grant co2calc_steward to co2calc_dashboard;
