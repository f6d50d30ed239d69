/* The CLI in Simplified Chinese (issue 13, "Chinese"): a whole case run
 * through jianyi with LANG=zh_CN.UTF-8 (submit, register, assign, accept,
 * plan, contact, reply, supervise, evaluate, close; show, list, deadlines,
 * overdue, stats, whoami, version, ping, supervise list, topic list,
 * excellent list, export, inbox, help for every command), each command's
 * human output checked for English words. Allowed: ids, numbers, dates, file
 * names and paths, the flags, command names, flag values and environment
 * variables a person types, the logins, the letters of the result classes,
 * and in help the data fields of --json output (in braces). The server's
 * refusals are said from their reasons (refusals_in_chinese): a set of
 * refused commands prints no English word under zh_CN, and under LANG=C
 * English without an internal snake_case name; a write made offline and
 * refused is listed in Chinese from its stored reason. The translations are the
 * build tree's (JIANYI_LOCALEDIR, set by meson). */
#include <ctype.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "wf_helpers.h"
#include "zh_words.h"

#define OUT_MAX (256 * 1024)

static const char *const commands[] = {
	"whoami", "enroll", "ping", "version", "submit", "cosign", "withdraw", "register", "return",
	"merge", "convert", "assign", "accept", "dispute", "reassign", "plan", "contact",
	"opinion", "extend", "approve-extension", "reply", "follow-up", "evaluate",
	"supervise", "close", "edit", "correct", "topic", "excellent", "show", "list", "export", "stats",
	"deadlines", "overdue", "todo", "attach", "attachments", "download", "units", "committees", "stations", "deputies", "accounts", "watch", "sync", "outbox", "inbox", "help", NULL,
};

/* The values of flags, typed as they are (help shows them with their
 * meaning: "before（办前）"). */
static const char *const values[] = {
	"before", "during", "after", "visit", "phone", "meeting", "sms", "letter", "motion",
	"suggestion", "satisfied", "basically-satisfied", "unsatisfied", "csv", "xlsx", "unit",
	"category", "term-session", "congress", "note", "whole-process", "by-field", "leader-led",
	"interview", "inquiry", "publish-unsatisfied", "supervision", "reply", "rehandle", "opinion",
	"dispute", "follow-up", "evaluation", "list", "send", "retry", "drop", "read", "create",
	"add", "remove", "nominate", "score", "announce", "draft", "submitted", "converted",
	"server", "cert", "key", "ca", "timeout_ms", "mirror", "client", NULL,
};

/* Words a person types or reads as names, not as English (beyond the
 * names zh_words.c allows everywhere). */
static const char *const allowed[] = {
	"ID2", "K", "K.submit",
	"liaison", "gov", "a-clerk", "a-head", "b-clerk", "c-clerk", "cmte", "deputy-wang",
	"A", "B", "C", "D",
	NULL,
};

static const char *const *const cli_words[] = { commands, values, allowed, NULL };

/* Runs jianyi as c says (its env: the Chinese locale); it must succeed; its
 * stdout (and stderr, which must be empty) is checked and returned. */
static const char *zh_call(const struct cli_call *c, const char *args)
{
	static char out[OUT_MAX];
	char err[4096], what[512];
	int rc = harness_cli_run(&H, c, args, out, sizeof out, err, sizeof err);

	snprintf(what, sizeof what, "%s: jianyi %s", c->who, args);
	if (rc != 0)
		fail_msg("%s: exit %d\nstdout:\n%s\nstderr:\n%s", what, rc, out, err);
	assert_string_equal(err, "");
	zh_assert_chinese(what, out, cli_words);
	return out;
}

/* Runs jianyi as who in the Chinese locale (see zh_call). */
static const char *zh(const char *who, const char *args)
{
	struct cli_call c = { .sp = &S, .who = who, .env = ZH_ENV };

	return zh_call(&c, args);
}

static void whole_case_in_chinese(void **state)
{
	(void)state;
	char args[1024], due[16], id[24];
	const char *out;

	/* without the locale jianyi stays English: say why rather than which word */
	if (setlocale(LC_ALL, "zh_CN.UTF-8") == NULL)
		fail_msg("the zh_CN.UTF-8 locale is missing (deploy/test makes it; as root: "
			 "localedef -i zh_CN -f UTF-8 zh_CN.UTF-8)");
	setlocale(LC_ALL, "C");

	out = zh("deputy-wang", "submit --title 关于增开城乡公交班次的建议 "
		 "--body 建议在早晚高峰增开城乡公交班次。 --category 交通");
	assert_int_equal(out[0], '#');
	snprintf(id, sizeof id, "%lld", strtoll(out + 1, NULL, 10));
	snprintf(args, sizeof args, "register %s --term 18 --session 2", id);
	out = zh("liaison", args);
	assert_non_null(strstr(out, "已立案"));
	snprintf(args, sizeof args, "assign %s --lead %lld", id, (long long)unit_a);
	assert_non_null(strstr(zh("gov", args), "已交办"));
	snprintf(args, sizeof args, "accept %s", id);
	zh("a-clerk", args);
	out = zh("a-clerk", "deadlines");
	assert_non_null(strstr(out, "答复"));
	wf_date(due, sizeof due, 30);
	snprintf(args, sizeof args, "plan %s --handler 张经办 --phone 0571-87654321 "
		 "--plan 年内完成线路调整。 --date %s", id, due);
	zh("a-clerk", args);
	snprintf(args, sizeof args, "contact %s --phase before --method visit "
		 "--note 上门听取代表意见。", id);
	zh("a-clerk", args);
	snprintf(args, sizeof args, "reply %s --class A --text 已增开早晚高峰班次。", id);
	assert_non_null(strstr(zh("a-head", args), "已答复"));
	snprintf(args, sizeof args, "supervise %s --kind note --text 请按期办结。", id);
	zh("liaison", args);
	snprintf(args, sizeof args, "evaluate %s --attitude satisfied --result satisfied "
		 "--comment 办理认真。", id);
	zh("deputy-wang", args);
	snprintf(args, sizeof args, "close %s", id);
	assert_non_null(strstr(zh("liaison", args), "已办结"));

	snprintf(args, sizeof args, "show %s", id);
	out = zh("liaison", args);
	/* the timeline reads as sentences, with the unit and the people by name */
	assert_non_null(strstr(out, UNIT_A " 甲经办 记录办前联系（上门走访"));
	assert_non_null(strstr(out, "主办单位 " UNIT_A));
	assert_non_null(strstr(out, "A类（已解决或采纳）"));
	assert_non_null(strstr(out, "刘联络 记录督办意见：请按期办结。"));
	zh("liaison", "list");
	zh("liaison", "deadlines");
	zh("liaison", "overdue");
	zh("liaison", "todo");
	zh("a-clerk", "todo");
	zh("deputy-wang", "todo");
	zh("liaison", "units");
	zh("liaison", "deputies");
	zh("liaison", "stats");
	zh("liaison", "stats --by unit");
	zh("liaison", "whoami");
	zh("liaison", "version");
	zh("liaison", "ping --count 2");
	zh("liaison", "supervise list");
	zh("liaison", "topic list");
	zh("liaison", "excellent list --year 2026");
	snprintf(args, sizeof args, "export --format csv --output %s/zh.csv", H.dir);
	assert_non_null(strstr(zh("liaison", args), "已导出 1 件建议"));
	zh("deputy-wang", "inbox");
	zh("liaison", "help");
	for (int i = 0; commands[i] != NULL; i++) {
		snprintf(args, sizeof args, "help %s", commands[i]);
		zh("liaison", args);
	}
}

/* After a reassign the timeline still names every unit, and each actor's
 * unit or committee: the old and new units, a co-handling unit's opinion
 * and the supervising committee's record (names from the server). */
static void timeline_names_units(void **state)
{
	(void)state;
	char args[1024], id[24];
	const char *out;

	out = zh("deputy-wang", "submit --title 关于改造老旧小区的建议 "
		 "--body 建议加快老旧小区改造。 --category 城建");
	snprintf(id, sizeof id, "%lld", strtoll(out + 1, NULL, 10));
	snprintf(args, sizeof args, "register %s --term 18 --session 2", id);
	zh("liaison", args);
	snprintf(args, sizeof args, "assign %s --lead %lld --co %lld", id, (long long)unit_a,
		 (long long)unit_b);
	zh("gov", args);
	snprintf(args, sizeof args, "dispute %s --reason 不属本局职责。", id);
	zh("a-clerk", args);
	snprintf(args, sizeof args, "reassign %s --lead %lld --co %lld --key --committee %lld "
		 "--reason 改由财政局主办。", id, (long long)unit_c, (long long)unit_b,
		 (long long)committee_id);
	zh("gov", args);
	snprintf(args, sizeof args, "opinion %s --text 同意改造方案。", id);
	zh("b-clerk", args);
	snprintf(args, sizeof args, "supervise %s --kind note --text 请加快办理。", id);
	zh("cmte", args);

	snprintf(args, sizeof args, "show %s", id);
	out = zh("liaison", args);
	assert_non_null(strstr(out, "主办单位 " UNIT_A "，协办单位 " UNIT_B));
	assert_non_null(strstr(out, "主办单位 " UNIT_C "，协办单位 " UNIT_B));
	assert_null(strstr(out, "单位（ID"));
	assert_non_null(strstr(out, UNIT_A " 甲经办 对交办提出异议"));
	assert_non_null(strstr(out, UNIT_B " 乙经办 提交协办意见：同意改造方案。"));
	assert_non_null(strstr(out, "教科文卫工委 钱委员 记录督办意见：请加快办理。"));
}

/* A merge names the case it went into by number and title, and the
 * target's reply, shown in the merged case's timeline to its proposer,
 * says which case it is on, by title too. */
static void timeline_names_merged_case(void **state)
{
	(void)state;
	char args[1024], into[24], merged[24], due[16], want[512];
	const char *out;

	out = zh("deputy-wang", "submit --title 关于增设农村垃圾收集点的建议 "
		 "--body 建议每村增设垃圾收集点。 --category 环保");
	snprintf(into, sizeof into, "%lld", strtoll(out + 1, NULL, 10));
	out = zh("deputy-wang", "submit --title 关于完善农村垃圾清运的建议 "
		 "--body 建议完善农村垃圾清运。 --category 环保");
	snprintf(merged, sizeof merged, "%lld", strtoll(out + 1, NULL, 10));
	snprintf(args, sizeof args, "register %s --term 18 --session 2", into);
	zh("liaison", args);
	snprintf(args, sizeof args, "register %s --term 18 --session 2", merged);
	zh("liaison", args);
	snprintf(args, sizeof args, "merge %s --into %s --reason 内容相近，并案办理。", merged, into);
	zh("liaison", args);
	snprintf(args, sizeof args, "assign %s --lead %lld", into, (long long)unit_a);
	zh("gov", args);
	snprintf(args, sizeof args, "accept %s", into);
	zh("a-clerk", args);
	wf_date(due, sizeof due, 30);
	snprintf(args, sizeof args, "plan %s --handler 张经办 --phone 0571-87654321 "
		 "--plan 年内增设。 --date %s", into, due);
	zh("a-clerk", args);
	snprintf(args, sizeof args, "contact %s --phase before --method visit "
		 "--note 上门听取代表意见。", into);
	zh("a-clerk", args);
	snprintf(args, sizeof args, "reply %s --class A --text 已增设收集点。", into);
	zh("a-head", args);

	snprintf(args, sizeof args, "show %s", merged);
	out = zh("liaison", args);
	snprintf(want, sizeof want, "并入建议 #%s“关于增设农村垃圾收集点的建议”", into);
	if (!strstr(out, want))
		fail_msg("the merge does not name its target by title (%s):\n%s", want, out);
	out = zh("deputy-wang", args);
	snprintf(want, sizeof want, "（在建议 #%s“关于增设农村垃圾收集点的建议”中）", into);
	if (!strstr(out, want))
		fail_msg("the target's reply does not say its case (%s):\n%s", want, out);
}

/* Runs jianyi as c says; it must fail; stdout and stderr together are
 * returned (what a person reads when a command is refused). */
static const char *refused(const struct cli_call *c, const char *args)
{
	static char text[OUT_MAX];
	char out[OUT_MAX / 2], err[8192];
	int rc = harness_cli_run(&H, c, args, out, sizeof out, err, sizeof err);

	if (rc == 0)
		fail_msg("%s: jianyi %s was not refused:\n%s", c->who, args, out);
	snprintf(text, sizeof text, "%s%s", out, err);
	if (!*err)
		fail_msg("%s: jianyi %s was refused without a word on stderr", c->who, args);
	return text;
}

/* The refusal in both languages: Chinese without English under zh_CN;
 * under LANG=C English (a Latin word) without snake_case. */
static void refused_both(struct cli_call c, const char *args)
{
	char what[1024];
	const char *text;

	snprintf(what, sizeof what, "%s: jianyi %s", c.who, args);
	c.env = ZH_ENV;
	text = refused(&c, args);
	zh_assert_chinese(what, text, cli_words);
	c.env = "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=C";
	text = refused(&c, args);
	zh_assert_no_snake_case(what, text);
	bool latin = false;
	for (const char *p = text; *p; p++)
		latin |= isalpha((unsigned char)*p) != 0;
	if (!latin)
		fail_msg("%s: no English under LANG=C:\n%s", what, text);
}

/* A loopback port nothing listens on: one the kernel gave and took back. */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void refusals_in_chinese(void **state)
{
	(void)state;
	char args[4096], id[24], text[2100];
	struct cli_call liaison = { .sp = &S, .who = "liaison" };
	struct cli_call deputy = { .sp = &S, .who = "deputy-wang" };
	const char *out;

	out = zh("deputy-wang", "submit --title 关于整修村道的建议 --body 建议整修村道。 --category 交通");
	snprintf(id, sizeof id, "%lld", strtoll(out + 1, NULL, 10));
	snprintf(args, sizeof args, "register %s --term 18 --session 2", id);
	zh("liaison", args);

	refused_both(liaison, args);                        /* wrong state: registered already */
	refused_both(deputy, args);                         /* wrong role: a deputy registers */
	snprintf(args, sizeof args, "extend %s --days 九十 --reason 需要协调", id);
	refused_both(liaison, args);                        /* a bad number */
	snprintf(args, sizeof args, "assign %s --lead 不存在的单位", id);
	refused_both(liaison, args);                        /* an unknown unit name */
	memset(text, 0, sizeof text);
	for (size_t i = 0; i < 2001; i++)
		text[i] = 'x';
	snprintf(args, sizeof args, "withdraw %s --reason %s", id, text);
	refused_both(deputy, args);                         /* a text too long */
	refused_both(liaison, "show 987654");               /* a missing case */
	struct cli_call nowhere = { .sp = &S, .who = "liaison", .port = closed_port() };
	refused_both(nowhere, "whoami");                    /* nothing listens there */
}

/* A write made offline that the server refuses is said in Chinese when it
 * is queued, sent and listed: the outbox keeps the refusal's reason, not
 * only the server's English message (mirror format 3). */
static void outbox_refusal_in_chinese(void **state)
{
	(void)state;
	char args[1024], id[24], mirror[600], due[16];
	struct cli_call clerk = { .sp = &S, .who = "a-clerk", .env = ZH_ENV };
	const char *out;

	out = zh("deputy-wang", "submit --title 关于修缮村文化礼堂的建议 "
		 "--body 建议修缮村文化礼堂。 --category 文化");
	snprintf(id, sizeof id, "%lld", strtoll(out + 1, NULL, 10));
	snprintf(args, sizeof args, "register %s --term 18 --session 2", id);
	zh("liaison", args);
	snprintf(args, sizeof args, "assign %s --lead %lld", id, (long long)unit_a);
	zh("gov", args);
	snprintf(args, sizeof args, "accept %s", id);
	zh("a-clerk", args);
	snprintf(mirror, sizeof mirror, "%s/zh-outbox.mirror", H.dir);
	clerk.mirror = mirror;
	/* (its summary ends with the feed's cursor, a token: not checked) */
	assert_int_equal(harness_cli_run(&H, &clerk, "sync", NULL, 0, NULL, 0), 0);
	/* a plan made offline on the mirror's version ... */
	wf_date(due, sizeof due, 30);
	snprintf(args, sizeof args, "plan %s --handler 张经办 --phone 0571-87654321 "
		 "--plan 年内修缮完毕。 --date %s --offline", id, due);
	zh_call(&clerk, args);
	/* ... while the case moves on online: the plan is a version conflict */
	snprintf(args, sizeof args, "contact %s --phase before --method phone "
		 "--note 电话听取代表意见。", id);
	zh("a-clerk", args);
	zh_assert_chinese("a-clerk: jianyi outbox send", refused(&clerk, "outbox send"), cli_words);
	out = zh_call(&clerk, "outbox");
	if (!strstr(out, "已拒绝") || !strstr(out, "已被他人更新"))
		fail_msg("the refused write is not said with its reason:\n%s", out);
}

/* The same command without the Chinese locale stays English. */
static void english_otherwise(void **state)
{
	(void)state;
	char out[4096];
	struct cli_call c = { .sp = &S, .who = "liaison", .env = "LC_ALL= LANGUAGE= LANG=C.UTF-8" };

	assert_int_equal(harness_cli_run(&H, &c, "whoami", out, sizeof out, NULL, 0), 0);
	assert_non_null(strstr(out, "liaison officer"));
}

/* Run from the build tree without JIANYI_LOCALEDIR, as deploy/quickstart
 * prints it: the catalogue built beside it is found (it was not, and the
 * quickstart's newcomer read English under zh_CN). */
static void chinese_from_the_build_tree(void **state)
{
	(void)state;
	char out[4096];
	struct cli_call c = { .sp = &S, .who = "liaison", .env = "JIANYI_LOCALEDIR= " ZH_ENV };

	assert_int_equal(harness_cli_run(&H, &c, "whoami", out, sizeof out, NULL, 0), 0);
	if (!strstr(out, "联工委") || strstr(out, "liaison officer"))
		fail_msg("whoami without JIANYI_LOCALEDIR under zh_CN:\n%s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_case_in_chinese),
		cmocka_unit_test(timeline_names_units),
		cmocka_unit_test(timeline_names_merged_case),
		cmocka_unit_test(refusals_in_chinese),
		cmocka_unit_test(outbox_refusal_in_chinese),
		cmocka_unit_test(english_otherwise),
		cmocka_unit_test(chinese_from_the_build_tree),
	};
	return cmocka_run_group_tests(tests, wf_setup, wf_teardown);
}
