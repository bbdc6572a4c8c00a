/* SPDX-License-Identifier: MIT */
#ifndef CLI_H
#define CLI_H

/*
 * One entry point per subcommand. argv[0] is the subcommand name.
 * Exit codes: 0 success, 1 the input had errors (bad record, invalid feed),
 * 2 usage or environment error (bad flag, unreadable root, port taken).
 */
int
cmd_build(int argc, char **argv);
int
cmd_serve(int argc, char **argv);
int
cmd_validate(int argc, char **argv);
int
cmd_import(int argc, char **argv);
int
cmd_new(int argc, char **argv);
int
cmd_update(int argc, char **argv);
int
cmd_correct(int argc, char **argv);
int
cmd_withdraw(int argc, char **argv);
int
cmd_show(int argc, char **argv);
int
cmd_list(int argc, char **argv);

#endif
