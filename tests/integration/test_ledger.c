/* The handling ledger (台账) end to end: cases brought through the workflow,
 * then "jianyi export" to CSV and XLSX as the liaison committee and as
 * handling units (only their cases, evaluation outcomes as counts), --force, the
 * temporary file, usage errors, and the progress line a large export shows
 * on a terminal (and only there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>

#include "wf_helpers.h"

#define TITLE_QUOTED "关于改善\"城乡公交\",增开班次的建议"
#define TITLE_QUOTED_CSV "\"关于改善\"\"城乡公交\"\",增开班次的建议\""
#define TITLE_REPLIED "关于老旧小区加装电梯的建议"
#define TITLE_C "关于加强财政专项资金监管的建议"
#define TITLE_DRAFT "关于草稿阶段不应导出的建议"

static struct kase k_joint, k_replied, k_c, k_draft;

/* Runs the CLI as who with args (a shell command line); stderr in err;
 * returns the exit status. */
static int cli(const char *who, const char *args, char *err, size_t errlen)
{
	struct cli_call c = { .sp = &S, .who = who };
	return harness_cli_run(&H, &c, args, NULL, 0, err, errlen);
}

/* The whole file (malloc'd, NUL-terminated); NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (cap - n < 65536) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", H.dir, name);
}

/* The CSV line (without CRLF) holding needle, copied into line; false if none. */
static bool csv_line_with(const char *csv, const char *needle, char *line, size_t len)
{
	const char *hit = strstr(csv, needle);
	if (!hit)
		return false;
	const char *start = hit;
	while (start > csv && start[-1] != '\n')
		start--;
	const char *end = strstr(hit, "\r\n");
	assert_non_null(end);
	size_t n = (size_t)(end - start) < len - 1 ? (size_t)(end - start) : len - 1;
	memcpy(line, start, n);
	line[n] = '\0';
	return true;
}

static int count_lines(const char *csv)
{
	int n = 0;
	for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
		n++;
	return n;
}

static int setup(void **state)
{
	wf_setup(state);
	/* A joint case in progress (unit A leads, B co-handles). */
	prepare(&k_joint, ST_IN_PROGRESS, TITLE_QUOTED, true);
	/* A replied case, evaluated satisfied by its only proposer. */
	prepare(&k_replied, ST_REPLIED, TITLE_REPLIED, false);
	struct jy_act a;
	wf_act_init(&a, A(EVALUATE), k_replied.id, k_replied.version);
	a.evaluate.attitude = "satisfied";
	a.evaluate.result = "satisfied";
	a.evaluate.comment = "满意";
	ok_closing_step("deputy-wang", &a, &k_replied, "evaluated");
	/* A case that only unit C handles. */
	prepare(&k_c, ST_REGISTERED, TITLE_C, false);
	wf_act_init(&a, A(ASSIGN), k_c.id, k_c.version);
	a.assign.lead_unit_id = unit_c;
	ok_step("gov", &a, &k_c, "assigned", NULL);
	/* A draft: nobody but its deputy sees it. */
	prepare(&k_draft, ST_DRAFT, TITLE_DRAFT, false);
	return 0;
}

static void csv_as_liaison(void **state)
{
	(void)state;
	char out[400], args[600], err[1024], line[2048];
	path_of(out, sizeof out, "ledger.csv");
	snprintf(args, sizeof args, "export --format csv --output '%s'", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 0);
	char tmp[420];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	assert_false(exists(tmp));
	char *csv = slurp(out, NULL);
	assert_non_null(csv);
	/* BOM, then the Chinese header. */
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	assert_true(strncmp(csv + 3,
			    "编号,标题,提出人,主办单位,协办单位,类别,立案日期,交办日期,答复期限,"
			    "承办人,办理计划,承诺办结日期,联系次数,答复日期,答复类别,测评结果,状态,重点\r\n",
			    strlen("编号,标题,提出人,主办单位,协办单位,类别,立案日期,交办日期,答复期限,"
				   "承办人,办理计划,承诺办结日期,联系次数,答复日期,答复类别,测评结果,状态,重点\r\n")) == 0);
	/* One row per visible case: the draft is not there. */
	assert_int_equal(count_lines(csv), 1 + 3);
	assert_null(strstr(csv, TITLE_DRAFT));

	/* The joint case: quoted per RFC 4180, both units, its state. */
	assert_true(csv_line_with(csv, TITLE_QUOTED_CSV, line, sizeof line));
	assert_non_null(strstr(line, "第18届第9次会议第"));
	assert_non_null(strstr(line, WANG "、" LI));
	assert_null(strstr(line, ZHAO));        /* never confirmed */
	assert_non_null(strstr(line, "," UNIT_A "," UNIT_B ",交通,"));
	assert_non_null(strstr(line, "张经办"));
	assert_non_null(strstr(line, ",办理中,"));

	/* The evaluated case: its result class and evaluation. */
	assert_true(csv_line_with(csv, TITLE_REPLIED, line, sizeof line));
	/* The outcome of its closed round, counts of result ratings. */
	assert_non_null(strstr(line, ",B,满意 1，基本满意 0，不满意 0,"));

	/* Unit C's case. */
	assert_true(csv_line_with(csv, TITLE_C, line, sizeof line));
	assert_non_null(strstr(line, "," UNIT_C ",,"));
	assert_non_null(strstr(line, ",已交办,"));
	free(csv);
}

static void xlsx_as_liaison(void **state)
{
	(void)state;
	char out[400], args[1200], err[1024];
	path_of(out, sizeof out, "ledger.xlsx");
	snprintf(args, sizeof args, "export --format xlsx --output '%s'", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 0);
	size_t len;
	char *zip = slurp(out, &len);
	assert_non_null(zip);
	assert_true(len > 4 && memcmp(zip, "PK\x03\x04", 4) == 0);
	free(zip);
	/* The sheet, read with python's zipfile: every title, the header, the
	 * frozen row. */
	char sheet[420];
	path_of(sheet, sizeof sheet, "sheet1.xml");
	snprintf(args, sizeof args,
		 "python3 -c 'import sys,zipfile; "
		 "open(sys.argv[2],\"wb\").write(zipfile.ZipFile(sys.argv[1]).read(\"xl/worksheets/sheet1.xml\"))' "
		 "'%s' '%s'", out, sheet);
	assert_int_equal(system(args), 0);
	char *xml = slurp(sheet, NULL);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "城乡公交"));   /* the quote may or may not be escaped */
	assert_non_null(strstr(xml, ",增开班次的建议"));
	assert_non_null(strstr(xml, TITLE_REPLIED));
	assert_non_null(strstr(xml, TITLE_C));
	assert_null(strstr(xml, TITLE_DRAFT));
	assert_non_null(strstr(xml, "承诺办结日期"));
	assert_non_null(strstr(xml, "state=\"frozen\""));
	assert_non_null(strstr(xml, "<cols>"));
	free(xml);
}

static void units_see_their_cases_only(void **state)
{
	(void)state;
	char out[400], args[1400], err[1024];
	path_of(out, sizeof out, "unit-a.csv");
	snprintf(args, sizeof args, "export --format csv --output '%s'", out);
	assert_int_equal(cli("a-clerk", args, err, sizeof err), 0);
	char *csv = slurp(out, NULL);
	assert_non_null(csv);
	assert_int_equal(count_lines(csv), 1 + 2);
	assert_non_null(strstr(csv, "城乡公交"));
	assert_non_null(strstr(csv, TITLE_REPLIED));
	assert_null(strstr(csv, TITLE_C));
	/* Back-to-back evaluation: a unit reads the closed round's outcome
	 * (counts), never a form or its comment (the "Fixes" issue, item 3). */
	assert_non_null(strstr(csv, "满意 1，基本满意 0，不满意 0"));
	free(csv);

	path_of(out, sizeof out, "unit-c.xlsx");
	snprintf(args, sizeof args, "export --format xlsx --output '%s'", out);
	assert_int_equal(cli("c-clerk", args, err, sizeof err), 0);
	char sheet[420];
	path_of(sheet, sizeof sheet, "unit-c-sheet1.xml");
	snprintf(args, sizeof args,
		 "python3 -c 'import sys,zipfile; "
		 "open(sys.argv[2],\"wb\").write(zipfile.ZipFile(sys.argv[1]).read(\"xl/worksheets/sheet1.xml\"))' "
		 "'%s' '%s'", out, sheet);
	assert_int_equal(system(args), 0);
	char *xml = slurp(sheet, NULL);
	assert_non_null(xml);
	assert_non_null(strstr(xml, TITLE_C));
	assert_null(strstr(xml, TITLE_REPLIED));
	assert_null(strstr(xml, "城乡公交"));
	free(xml);

	/* The filters are list's: --unit narrows the liaison's ledger. */
	path_of(out, sizeof out, "filtered.csv");
	snprintf(args, sizeof args, "export --format csv --output '%s' --unit %lld --state assigned", out,
		 (long long)unit_c);
	assert_int_equal(cli("liaison", args, err, sizeof err), 0);
	csv = slurp(out, NULL);
	assert_non_null(csv);
	assert_int_equal(count_lines(csv), 1 + 1);
	assert_non_null(strstr(csv, TITLE_C));
	free(csv);
}

static void force_and_errors(void **state)
{
	(void)state;
	char out[400], tmp[420], args[800], err[1024];
	path_of(out, sizeof out, "existing.csv");
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	FILE *f = fopen(out, "w");
	assert_non_null(f);
	fputs("keep me\n", f);
	fclose(f);

	/* No --force: refused, the file untouched, nothing left behind. */
	snprintf(args, sizeof args, "export --format csv --output '%s'", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 2);
	assert_non_null(strstr(err, "--force"));
	assert_non_null(strchr(err, '\n'));
	assert_true(strchr(err, '\n')[1] == '\0');   /* one line */
	char *body = slurp(out, NULL);
	assert_string_equal(body, "keep me\n");
	free(body);
	assert_false(exists(tmp));

	/* --force replaces it. */
	snprintf(args, sizeof args, "export --format csv --output '%s' --force", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 0);
	body = slurp(out, NULL);
	assert_non_null(strstr(body, TITLE_C));
	free(body);
	assert_false(exists(tmp));

	/* A bad --format is a usage error; no file. */
	path_of(out, sizeof out, "bad.pdf");
	snprintf(args, sizeof args, "export --format pdf --output '%s'", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 2);
	assert_non_null(strstr(err, "--format"));
	assert_false(exists(out));
	/* So is a missing --output. */
	assert_int_equal(cli("liaison", "export --format csv", err, sizeof err), 2);

	/* The server refuses (text filter too long): exit 1, nothing written. */
	path_of(out, sizeof out, "refused.xlsx");
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	char longtext[160];
	memset(longtext, 'x', 150);
	longtext[150] = '\0';
	snprintf(args, sizeof args, "export --format xlsx --output '%s' --text %s", out, longtext);
	assert_int_equal(cli("liaison", args, err, sizeof err), 1);
	assert_false(exists(out));
	assert_false(exists(tmp));
}

/* Runs the CLI as who with stderr on a pseudo-terminal (stdout to
 * /dev/null); what the terminal showed goes into out. Returns the exit
 * status. */
static int cli_on_terminal(const char *who, char *const args[], char *out, size_t outlen)
{
	int master, slave;
	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	char server[64], ca[400], cert[400], key[400];
	snprintf(server, sizeof server, "JIANYI_SERVER=127.0.0.1:%d", S.port);
	snprintf(ca, sizeof ca, "JIANYI_CA=%s/ca.crt", H.pki);
	snprintf(cert, sizeof cert, "JIANYI_CERT=%s/%s.crt", H.pki, who);
	snprintf(key, sizeof key, "JIANYI_KEY=%s/%s.key", H.pki, who);
	char *envp[] = { server, ca, cert, key, "XDG_CONFIG_HOME=/nonexistent", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, slave, 2);
	posix_spawn_file_actions_addclose(&fa, master);
	pid_t pid;
	/* Native even under valgrind: this checks what a terminal shows, and the
	 * CLI runs under valgrind in every other test of this file. */
	assert_int_equal(posix_spawn(&pid, getenv("JIANYI_CLI"), &fa, NULL, args, envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(slave);
	/* Read until the child's side closes (EIO on Linux). */
	size_t n = 0;
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		if (poll(&pfd, 1, 60000) <= 0)
			fail_msg("the export showed nothing for 60 s");
		ssize_t got = read(master, out + n, outlen - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
		if (n == outlen - 1)
			break;
	}
	out[n] = '\0';
	close(master);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 2,500 more cases make three pages of 1,000: the terminal shows the count
 * after each page, ending with every row; without a terminal nothing of it. */
static void progress_on_a_terminal(void **state)
{
	(void)state;
	wf_bulk_cases(2500, 18, 20);   /* the fixture registers in session 9 */
	long total = (long)sql_id("SELECT count(*) FROM suggestions WHERE state <> 'draft'", NULL);
	char out[4096], want[128], path[300];
	path_of(path, sizeof path, "big.csv");
	char *args[] = { "jianyi", "export", "--format", "csv", "--output", path, "--force", NULL };
	assert_int_equal(cli_on_terminal("liaison", args, out, sizeof out), 0);
	for (long done = 1000; done < total; done += 1000) {
		snprintf(want, sizeof want, "\rexported %ld of %ld", done, total);
		if (!strstr(out, want))
			fail_msg("the terminal did not show '%s' (it showed: %s)", want + 1, out);
	}
	snprintf(want, sizeof want, "\rexported %ld of %ld\r\n", total, total);
	if (!strstr(out, want))
		fail_msg("the terminal did not end with '%ld of %ld' (it showed: %s)", total, total, out);
	size_t len;
	char *csv = slurp(path, &len);
	assert_non_null(csv);
	assert_int_equal(count_lines(csv), total + 1);   /* + the header */
	free(csv);

	/* The same export with stderr in a file: no progress in it. */
	char err[4096], args2[512];
	snprintf(args2, sizeof args2, "export --format csv --output '%s' --force", path);
	assert_int_equal(cli("liaison", args2, err, sizeof err), 0);
	assert_null(strstr(err, "exported"));
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (unsigned)st.st_mode & 0777;
}

/* The "Fixes" issue, item 20: files the client writes are created 0600, and
 * the CSV formula guard also covers values that start with a tab or a
 * carriage return. Runs last: its cases would change the others' counts. */
static void private_files_and_tab_cr_guard(void **state)
{
	(void)state;
	char out[400], args[1200], err[1024], line[2048];
	struct kase tab, cr;
	mode_t old = umask(022);   /* what a person's shell usually has */

	prepare(&tab, ST_REGISTERED, "\t=1+2 关于制表符开头的建议", false);
	prepare(&cr, ST_REGISTERED, "\r=3+4 关于回车开头的建议", false);
	path_of(out, sizeof out, "private.csv");
	snprintf(args, sizeof args, "export --format csv --output '%s'", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 0);
	assert_int_equal(mode_of(out), 0600);
	char *csv = slurp(out, NULL);
	assert_non_null(csv);
	assert_true(csv_line_with(csv, "关于制表符开头的建议", line, sizeof line));
	assert_non_null(strstr(line, ",'\t=1+2 关于"));
	assert_true(csv_line_with(csv, "关于回车开头的建议", line, sizeof line));
	assert_non_null(strstr(line, ",\"'\r=3+4 关于"));
	free(csv);

	path_of(out, sizeof out, "private.xlsx");
	snprintf(args, sizeof args, "export --format xlsx --output '%s'", out);
	assert_int_equal(cli("liaison", args, err, sizeof err), 0);
	assert_int_equal(mode_of(out), 0600);
	umask(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(csv_as_liaison, wf_each),
		cmocka_unit_test_setup(xlsx_as_liaison, wf_each),
		cmocka_unit_test_setup(units_see_their_cases_only, wf_each),
		cmocka_unit_test_setup(force_and_errors, wf_each),
		cmocka_unit_test_setup(progress_on_a_terminal, wf_each),
		cmocka_unit_test_setup(private_files_and_tab_cr_guard, wf_each),
	};
	return cmocka_run_group_tests_name("ledger", tests, setup, wf_teardown);
}
