/* jianyi-whoami: connects to jianyid and prints who the server takes us for.
 * An example of a program that links libjianyi from outside this project:
 *
 *   cc -o jianyi-whoami jianyi-whoami.c $(pkg-config --cflags --libs jianyi)
 *   ./jianyi-whoami 127.0.0.1:7443 me.crt me.key ca.crt
 *
 * It uses the blocking calls; README.md ("libjianyi") shows the
 * non-blocking ones an event loop drives. */
#include <stdio.h>
#include <string.h>

#include <jianyi.h>

static int usage(void)
{
	fprintf(stderr, "usage: jianyi-whoami SERVER CERT KEY CA\n"
		"       jianyi-whoami --version\n");
	return 2;
}

static void print_identity(const Jianyi__Identity *id)
{
	printf("login: %s\nname: %s\norganization: %s\nroles:", id->login,
	       id->display_name, id->organization_name);
	for (size_t i = 0; i < id->n_roles; i++)
		printf(" %s", id->roles[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct jy_client_options o = { 0 };
	struct jy_error e = { 0 };
	struct jy_client *c;
	const Jianyi__Welcome *w;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("libjianyi %s\n", jy_version());
		return 0;
	}
	if (argc != 5)
		return usage();
	o.server = argv[1];
	o.cert_file = argv[2];
	o.key_file = argv[3];
	o.ca_file = argv[4];
	c = jy_connect(&o, &e);
	if (c == NULL) {
		fprintf(stderr, "jianyi-whoami: %s (%s)\n", e.message, jy_status_str(e.code));
		return 1;
	}
	w = jy_welcome(c);
	printf("server: %s\n", w->software);
	if (w->identity != NULL)
		print_identity(w->identity);
	jy_close(c);
	return 0;
}
