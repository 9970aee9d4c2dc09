/* Small pieces every kouan command's argument parsing shares. */
#ifndef KOUAN_CLIOPT_H
#define KOUAN_CLIOPT_H

#define CLI_DEFAULT_DB "sqlite:var/kouan.db"	/* also serve's --db default */

/* "--opt VALUE" or "--opt=VALUE" at argv[*i]: 1 when argv[*i] is opt, with
 * the value in *v (NULL when it is missing; *i moves past a separate value). */
int cli_option(int argc, char **argv, int *i, const char *opt, const char **v);

/* The database to use: given when set, else $KOUAN_DB when set, else CLI_DEFAULT_DB. */
const char *cli_database(const char *given);

#endif
