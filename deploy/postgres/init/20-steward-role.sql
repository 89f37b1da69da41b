-- The data stewards' login role (dashboard/README.md "Stewards read ops"): the dashboard connects as it, through
-- CO2CALC_STEWARD_DATABASE_URL, for stewards' and admins' pages only, to show the load ledger and refused rows.
-- `co2calc migrate` grants it USAGE on `ops` and SELECT on ops.loads, ops.rejects, ops.audit_log, ops.feed_cursors,
-- ops.latest_successful_loads and ops.builds (ops.grant_steward_role), and nothing else. A login of its own, not a
-- role granted to co2calc_dashboard: whoever holds the dashboard's password cannot switch to it (issue 11).
-- Its password comes from STEWARD_DB_PASSWORD, read like the dashboard's (10-dashboard-role.sql).
\getenv steward_password STEWARD_DB_PASSWORD

create role co2calc_steward login password :'steward_password'
    nosuperuser nocreatedb nocreaterole noinherit;

grant connect on database :"DBNAME" to co2calc_steward;
