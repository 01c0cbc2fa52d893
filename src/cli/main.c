/* SPDX-License-Identifier: MIT */
/* main.c - the cdaimg command (everything is in cli.c, which the tests call). */
#include <stdio.h>

#include <libxml/parser.h>

#include "cli.h"

int main(int argc, char **argv)
{
	int rc = cdaimg_cli_run(argc, argv, stdout, stderr);
	xmlCleanupParser();
	return rc;
}
