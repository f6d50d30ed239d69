-- jy_can_see(viewer, suggestion row) is a plpgsql function: PostgreSQL
-- assumes it costs 100 operator calls and may run it on every row before
-- the cheap filters and the LIMIT of a list page. Measured with the
-- benchmark (docs/BENCHMARKS.md, "A database fix tried on both sides"): a
-- unit's list page called it about 3,800 times; with a high cost, about 300,
-- and list reads ran 2x faster through jianyid and 10x through pgbench.
ALTER FUNCTION jy_can_see(bigint, suggestions) COST 10000;
