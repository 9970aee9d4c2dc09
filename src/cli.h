/* The entry point of each kouan command: argc/argv start at the command's
 * name. Exit status: 0 success, 1 the input was refused, 2 usage or I/O error. */
#ifndef KOUAN_CLI_H
#define KOUAN_CLI_H

int cli_serve(int argc, char **argv);	/* src/api/serve.c */
int cli_user(int argc, char **argv);	/* src/store/cli_user.c */
int cli_recognize(int argc, char **argv);	/* src/recognize/cli.c */
int cli_ocr(int argc, char **argv);	/* src/recognize/ocr_cli.c */
int cli_vins(int argc, char **argv);	/* src/sheet/cli_vins.c */
int cli_vin_template(int argc, char **argv);	/* src/sheet/cli_vins.c */
int cli_verify(int argc, char **argv);	/* src/cli_verify.c */
int cli_backup(int argc, char **argv);	/* src/cli_backup.c */
int cli_xls_reader(int argc, char **argv);	/* src/sheet/xls.c: FreeXL in its own process */

#endif
