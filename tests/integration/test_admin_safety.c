/* `jianyid admin` and the embedded cluster, as an operator runs them (the
 * "Operating it" items of the fixes issue):
 *  - without --config, --database or --data-dir (and no
 *    /etc/jianyi/jianyid.ini) admin refuses and creates nothing in the
 *    current directory;
 *  - run as root against the cluster of a jianyid that runs as a service
 *    user, admin uses that running cluster through its socket: no second
 *    postmaster, no directory changes owner, the server keeps working;
 *    run as a third user it refuses, naming the owner;
 *  - as root, a symbolic link that the cluster's user put in place of a
 *    directory inside the data directory is refused, never followed (root
 *    would otherwise chown/chmod whatever it points to);
 *  - it speaks the operator's language (issue 13): under zh_CN its usage,
 *    confirmations, tables and refusals are Chinese without an English
 *    word (zh_words.h, the CLI's checker), under LANG=C English as before.
 * The root cases need root (they run commands as other users with
 * runuser). */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "harness.h"
#include "zh_words.h"

#define SERVICE_USER "nobody"

static struct harness H;

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_cleanup(&H);
	return 0;
}

/* Runs the shell command (built with printf), output into out; returns the
 * exit status. Paths here are our own temporary ones, without quotes. */
static int sh(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int sh(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uid_t uid_of(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		fail_msg("stat %s: %s", path, strerror(errno));
	return st.st_uid;
}

static void admin_without_a_database_refuses(void **state)
{
	(void)state;
	char dir[300], out[4096];
	if (access("/etc/jianyi/jianyid.ini", F_OK) == 0)
		skip(); /* then admin rightly reads the installed server's configuration */
	snprintf(dir, sizeof dir, "%s/empty-cwd", H.dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	int rc = sh(out, sizeof out, "cd %s && %s admin list-accounts", dir, getenv("JIANYID"));
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "--data-dir"));
	assert_non_null(strstr(out, "/etc/jianyi/jianyid.ini"));
	/* Nothing was created where it ran. */
	char probe[400];
	snprintf(probe, sizeof probe, "%s/jianyi-data", dir);
	assert_int_equal(access(probe, F_OK), -1);
}

/* A jianyid running as the service user on its own embedded cluster. */
static pid_t start_service(const char *base, char *ready)
{
	char out[2048];
	assert_int_equal(sh(out, sizeof out,
			    "cp %s/ca.crt %s/server.crt %s/server.key %s/ && chown -R %s %s",
			    H.pki, H.pki, H.pki, base, SERVICE_USER, base), 0);
	snprintf(ready, 400, "%s/ready", base);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char data[400], cert[400], key[400], ca[400], log[400];
		snprintf(data, sizeof data, "%s/data", base);
		snprintf(cert, sizeof cert, "%s/server.crt", base);
		snprintf(key, sizeof key, "%s/server.key", base);
		snprintf(ca, sizeof ca, "%s/ca.crt", base);
		snprintf(log, sizeof log, "%s/jianyid.log", base);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execlp("runuser", "runuser", "-u", SERVICE_USER, "--", getenv("JIANYID"),
		       "--data-dir", data, "--listen", "127.0.0.1:0", "--http-listen", "off",
		       "--cert", cert, "--key", key, "--ca", ca, "--ready-file", ready, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 600 * harness_time_scale(); i++) {
		if (access(ready, F_OK) == 0)
			return pid;
		usleep(100000);
	}
	sh(out, sizeof out, "cat %s/jianyid.log", base);
	fail_msg("the service jianyid did not start: %s", out);
	return -1;
}

static void admin_as_root_keeps_a_service_users_cluster(void **state)
{
	(void)state;
	struct passwd *svc = getpwnam(SERVICE_USER);
	char base[300], pgdata[400], pid_file[420], before[256], after[256], out[4096], ready[400];
	if (geteuid() != 0 || !svc)
		skip();
	snprintf(base, sizeof base, "%s/service", H.dir);
	assert_int_equal(mkdir(base, 0755), 0);
	pid_t pid = start_service(base, ready);
	snprintf(pgdata, sizeof pgdata, "%s/data/pg", base);
	snprintf(pid_file, sizeof pid_file, "%s/postmaster.pid", pgdata);
	assert_int_equal(uid_of(pgdata), svc->pw_uid);
	assert_int_equal(sh(before, sizeof before, "head -1 %s", pid_file), 0);

	/* As root: works, through the running cluster. */
	int rc = sh(out, sizeof out, "%s admin --data-dir %s/data org-add --name 系统管理组 --kind administration",
		    getenv("JIANYID"), base);
	assert_int_equal(rc, 0);
	assert_int_equal(uid_of(pgdata), svc->pw_uid);
	char sub[450];
	snprintf(sub, sizeof sub, "%s/run", pgdata);
	assert_int_equal(uid_of(sub), svc->pw_uid);
	snprintf(sub, sizeof sub, "%s/log", pgdata);
	assert_int_equal(uid_of(sub), svc->pw_uid);
	/* The same postmaster, still running: none was started or stopped. */
	assert_int_equal(sh(after, sizeof after, "head -1 %s", pid_file), 0);
	assert_string_equal(before, after);
	/* The service's cluster still takes new connections as its user. */
	rc = sh(out, sizeof out, "%s admin --data-dir %s/data list-accounts", getenv("JIANYID"), base);
	assert_int_equal(rc, 0);
	assert_true(kill(pid, 0) == 0);

	/* A third user is refused with the owner's name. */
	rc = sh(out, sizeof out, "runuser -u postgres -- %s admin --data-dir %s/data list-accounts",
		getenv("JIANYID"), base);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, SERVICE_USER))
		fail_msg("the refusal does not name the owner '%s': %s", SERVICE_USER, out);

	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
}

static void admin_as_root_does_not_follow_links(void **state)
{
	(void)state;
	char base[300], victim[400], log[450], out[4096];
	if (geteuid() != 0)
		skip();
	snprintf(base, sizeof base, "%s/linked", H.dir);
	assert_int_equal(mkdir(base, 0755), 0);
	/* A cluster made by root: it belongs to postgres. */
	assert_int_equal(sh(out, sizeof out, "%s admin --data-dir %s/data migrate", getenv("JIANYID"), base), 0);
	snprintf(victim, sizeof victim, "%s/victim", H.dir);
	assert_int_equal(mkdir(victim, 0755), 0);
	assert_int_equal(chmod(victim, 0755), 0);
	/* The postgres user swaps its log folder for a link to root's folder. */
	snprintf(log, sizeof log, "%s/data/pg/log", base);
	assert_int_equal(sh(out, sizeof out, "runuser -u postgres -- sh -c 'rm -rf %s && ln -s %s %s'",
			    log, victim, log), 0);

	int rc = sh(out, sizeof out, "%s admin --data-dir %s/data list-accounts", getenv("JIANYID"), base);
	struct stat st;
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "symbolic link"))
		fail_msg("the refusal does not say why: %s", out);
}

/* Words jianyid admin prints as typed: its commands and the values of its
 * flags, programs and signals, the logins of the harness's accounts. */
static const char *const admin_words[] = {
	"admin", "congress-add", "congress-rename", "congress-list", "setting-set", "org-add",
	"deputy-add", "account-add", "cert-bind", "cert-revoke", "enroll-code",
	"account-disable", "account-enable", "list-accounts", "migrate", "publish", "unpublish",
	"calendar-set", "calendar-load", "calendar-show", "batch", "enroll", "holiday", "workday",
	"clear", "debug", "info", "warn", "error", "off", "initdb", "pg_ctl", "TERM", "INT", "HUP",
	"alice", "bob", "ghost", "no-such-command", NULL,
};
static const char *const *const admin_also[] = { admin_words, NULL };

#define C_ENV "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=C"

/* "jianyid admin ARGS" on the harness's database in the environment env
 * (args may redirect: 2>&1 >/dev/null keeps only stderr); its output into
 * out, its exit status returned. */
static int admin_in(const char *env, char *out, size_t outlen, const char *args)
{
	return sh(out, outlen, "(env %s %s admin --database '%s' %s)", env, getenv("JIANYID"),
		  H.pg.conninfo, args);
}

/* Runs args under zh_CN: exit status want, Chinese output holding expect. */
static void zh_admin(int want, const char *args, const char *expect)
{
	char out[16384];
	int rc = admin_in(ZH_ENV, out, sizeof out, args);
	if (rc != want)
		fail_msg("jianyid admin %s: exit %d, not %d:\n%s", args, rc, want, out);
	zh_assert_chinese(args, out, admin_also);
	if (!strstr(out, expect))
		fail_msg("jianyid admin %s does not say '%s':\n%s", args, expect, out);
}

/* Runs args under LANG=C: exit status want, output holding expect. */
static void c_admin(int want, const char *args, const char *expect)
{
	char out[16384];
	int rc = admin_in(C_ENV, out, sizeof out, args);
	if (rc != want || !strstr(out, expect))
		fail_msg("jianyid admin %s: exit %d (want %d), '%s' expected:\n%s", args, rc, want,
			 expect, out);
}

static void admin_speaks_the_operators_language(void **state)
{
	(void)state;
	char args[600], out[16384];
	/* without the locale admin stays English: say why rather than which word */
	if (setlocale(LC_ALL, "zh_CN.UTF-8") == NULL)
		fail_msg("the zh_CN.UTF-8 locale is missing (deploy/test makes it; as root: "
			 "localedef -i zh_CN -f UTF-8 zh_CN.UTF-8)");
	setlocale(LC_ALL, "C");

	zh_admin(0, "--help", "用法：jianyid admin 命令");
	zh_admin(0, "enroll-code --help", "用法：jianyid admin enroll-code --login 登录名");
	/* the code alone on stdout; the note for the operator on stderr */
	zh_admin(0, "enroll-code --login bob 2>&1 >/dev/null", "已为 王波（bob）生成登记码");
	snprintf(args, sizeof args, "cert-revoke --cert %s/bob.crt", H.pki);
	zh_admin(0, args, "已吊销 王波（bob）的证书");
	zh_admin(1, args, "已被吊销");
	zh_admin(1, "enroll-code --login ghost", "没有登录名为“ghost”的有效账号");
	zh_admin(2, "account-disable", "account-disable：缺少 --login");
	zh_admin(2, "no-such-command", "命令“no-such-command”不存在");
	/* the table's headings and words (its rows hold roles as typed) */
	assert_int_equal(admin_in(ZH_ENV, out, sizeof out, "list-accounts | head -1"), 0);
	zh_assert_chinese("list-accounts", out, admin_also);
	assert_non_null(strstr(out, "登录名"));
	assert_int_equal(admin_in(ZH_ENV, out, sizeof out, "list-accounts"), 0);
	assert_non_null(strstr(out, "（已吊销）"));
	/* jianyid's own usage and version */
	assert_int_equal(sh(out, sizeof out, "env " ZH_ENV " %s --help", getenv("JIANYID")), 0);
	zh_assert_chinese("jianyid --help", out, admin_also);
	assert_non_null(strstr(out, "运行服务器"));
	assert_int_equal(sh(out, sizeof out, "env " ZH_ENV " %s --version", getenv("JIANYID")), 0);
	zh_assert_chinese("jianyid --version", out, admin_also);

	/* the same under LANG=C: English */
	c_admin(0, "--help", "usage: jianyid admin COMMAND [flags]");
	c_admin(0, "enroll-code --login alice 2>&1 >/dev/null",
		"enrollment code for 李丽 (alice), valid until");
	snprintf(args, sizeof args, "cert-revoke --cert %s/alice.crt", H.pki);
	c_admin(0, args, "revoked certificate ");
	c_admin(1, args, "is already revoked");
	c_admin(1, "enroll-code --login ghost", "no enabled account with login 'ghost'");
	c_admin(2, "account-disable", "account-disable: missing --login");
	c_admin(0, "list-accounts", "LOGIN");
	assert_int_equal(sh(out, sizeof out, "env " C_ENV " %s --help", getenv("JIANYID")), 0);
	assert_non_null(strstr(out, "usage: jianyid [flags]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(admin_without_a_database_refuses),
		cmocka_unit_test(admin_as_root_keeps_a_service_users_cluster),
		cmocka_unit_test(admin_as_root_does_not_follow_links),
		cmocka_unit_test(admin_speaks_the_operators_language),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
