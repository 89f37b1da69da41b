-- The dashboard's login role: it reads the `reporting` schema and nothing else (ARCHITECTURE.md §2, §6), rows
-- limited by a scope the warehouse accepts only when signed (migration 0005). It holds no other role: the dashboard
-- refuses, with a real login provider, a login that may switch to a wider one (dashboard/README.md).
-- Its password comes from DASHBOARD_DB_PASSWORD in the postgres container's environment; `\getenv`
-- (psql 15+) reads it, so no password is written in this file. When the variable is missing the
-- placeholder below stays unresolved and the statement fails, which stops the initialisation.
\getenv dashboard_password DASHBOARD_DB_PASSWORD

create role co2calc_dashboard login password :'dashboard_password'
    nosuperuser nocreatedb nocreaterole noinherit;

-- Nobody connects to the warehouse by default; the dashboard is granted it by name.
revoke connect on database :"DBNAME" from public;
grant connect on database :"DBNAME" to co2calc_dashboard;

-- dbt creates `reporting` too (`create schema if not exists`); creating it here, owned by the role
-- that runs dbt, lets the grants below be given before the first build.
create schema if not exists reporting;
grant usage on schema reporting to co2calc_dashboard;
grant select on all tables in schema reporting to co2calc_dashboard;

-- Tables that dbt creates later (dbt runs as this file's role, POSTGRES_USER) are readable too.
alter default privileges in schema reporting grant select on tables to co2calc_dashboard;
