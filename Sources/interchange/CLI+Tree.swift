import Gateway

extension CLI {
    /// Every command, its arguments and its help.
    static let tree = Command(
        spec: CommandSpec(
            path: ["interchange"],
            summary: "store-and-forward gateway between government agencies",
            options: [.flag("--version", "print the version")],
            subcommands: [
                ("serve", "run the gateway"),
                ("demo", "run the gateway with simulated agencies and fixture traffic on loopback"),
                ("simulate", "run the simulated agencies alone"),
                ("push", "send message files to a gateway as an agency"),
                ("log", "search the routing log (and 'log verify' its hash chain)"),
                ("show", "show one message, its deliveries and timeline"),
                ("replay", "deliver messages again"),
                ("check-config", "validate the configuration"),
                ("certs", "development PKI: 'certs init DIR', 'certs list'"),
            ],
            details: "EXIT STATUS: 0 ok, 1 failure, 2 usage error."
        ),
        children: [
            Command(
                spec: CommandSpec(
                    path: ["interchange", "serve"], summary: "run the gateway: listeners, pipeline, delivery, operator API",
                    options: [configOption],
                    details: "Runs until SIGINT or SIGTERM; in-flight requests finish, deliveries resume on the next start."
                ),
                action: { serve($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "demo"],
                    summary: "run the gateway with the simulated agencies and fixture traffic on loopback",
                    options: [configOption, .flag("--no-traffic", "start everything but send no fixture traffic")],
                    details: "Prints the console URL and an operator token, then keeps serving until SIGINT.\n"
                        + "Run 'interchange certs init pki' first (make demo does)."
                ),
                action: { demo($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "simulate"],
                    summary: "serve the destinations' side (e-health book, BHXH, Departments of Justice, NCJR, VNeID, population)",
                    options: [
                        configOption,
                        .value("--population", "FILE", "population database fixture (default: Fixtures/population/citizens.json)"),
                    ]
                ),
                action: { simulate($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "push"], summary: "send message files to a gateway as an agency, with a progress bar",
                    positionals: [CommandSpec.Positional("FILE", "message files (JSON or XML)", variadic: true)],
                    options: [
                        .value("--as", "AGENCY", required: true, "the sending agency's id (its certificate or token is used)"),
                        configOption,
                        .value("--url", "URL", "gateway base URL (default: the first agency listener)"),
                        .value("--type", "TYPE", "visits, checkins, verdicts, records, certificate-requests or certificates (default: from the agency)"),
                        .value("--concurrency", "N", "requests in flight (default: 8)"),
                    ],
                    details: "Sends each file as one request through the public agency interface: mutual TLS with the\n"
                        + "agency's certificate (its .key beside it, the CA from pki/ca.crt) on TLS listeners, its token file\n"
                        + "as a bearer token otherwise. Content-Type from the extension: .json or .xml.\n"
                        + "A progress bar goes to stderr when it is a terminal; the summary goes to stdout.\n"
                        + "EXIT STATUS: 0 all accepted or duplicates, 1 any file or item rejected or failed, 2 usage."
                ),
                action: { push($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "log"], summary: "search the routing log",
                    options: [
                        configOption,
                        .value("--type", "TYPE", "message type, e.g. hospital.visit"),
                        .value("--sender", "AGENCY", "sending agency id"),
                        .value("--destination", "ID", "destination id"),
                        .value("--status", "EVENT", "event, e.g. delivered, dead_lettered, rejected, replayed, viewed"),
                        .value("--citizen", "ID", "12-digit citizen ID number"),
                        .value("--key", "KEY", "business key: MA_LK, judgment number, ..."),
                        .value("--since", "TIME", "ISO 8601 time or a duration like 15m, 2h, 7d"),
                        .value("--until", "TIME", "ISO 8601 time"),
                        .value("--limit", "N", "the newest N matching entries, printed oldest first (default: 50, max 1000)"),
                        .flag("--follow", short: "-f", "keep printing new entries"),
                        .flag("--json", "one JSON object per line"),
                    ],
                    subcommands: [("verify", "check the log's hash chain end to end")],
                    details: "Reads the store named by the configuration directly; safe next to a running gateway.\n"
                        + "Columns: seq, time (UTC), event, type, sender, destination, message id, detail.\n"
                        + "--follow polls every 0.5 s for new entries until interrupted.\n"
                        + "EVENTS: received rejected duplicate conflict stored routed held attempt delivered\n"
                        + "retry_scheduled dead_lettered replayed viewed ('-' works for '_')."
                ),
                children: [
                    Command(
                        spec: CommandSpec(
                            path: ["interchange", "log", "verify"], summary: "check the routing log's hash chain end to end",
                            options: [configOption],
                            details: "Exit status 1 names the first entry whose hash does not match."
                        ),
                        action: { logVerify($0) }
                    )
                ],
                action: { log($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "show"], summary: "show one message, its deliveries and timeline",
                    positionals: [CommandSpec.Positional("ID", "message id")],
                    options: [
                        configOption,
                        .flag("--body", "include the body (logged as a 'viewed' event by cli:$USER)"),
                        .flag("--json", "print one JSON document instead of tables"),
                    ],
                    details: "Reads the store directly: message fields, business keys, deliveries and the timeline."
                ),
                action: { show($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "replay"], summary: "deliver messages again (same Idempotency-Key)",
                    positionals: [CommandSpec.Positional("ID", "message ids", optional: true, variadic: true)],
                    options: [
                        configOption,
                        .value("--destination", "ID", "only this destination"),
                        .flag("--dead-letters", "replay dead letters (with --destination/--since/--until)"),
                        .value("--since", "TIME", "dead letters since (ISO 8601 or 15m, 2h, 7d)"),
                        .value("--until", "TIME", "dead letters until (ISO 8601)"),
                    ],
                    details: "Re-queues delivered or dead rows as pending in the store (logged as 'replayed' by cli:$USER);\n"
                        + "the running gateway's deliverer sends them at its next poll with the same Idempotency-Key.\n"
                        + "Examples: interchange replay 01J...  |  interchange replay --dead-letters --destination bhxh --since 2h"
                ),
                action: { replay($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "check-config"], summary: "validate the configuration and the files it names",
                    options: [configOption],
                    details: "Prints every problem with its JSON path and exits 1, or a summary and exits 0."
                ),
                action: { checkConfig($0) }
            ),
            Command(
                spec: CommandSpec(
                    path: ["interchange", "certs"], summary: "development PKI",
                    subcommands: [
                        ("init", "create a CA, gateway, simulator and agency certificates and operator tokens"),
                        ("list", "list the certificates the configuration names, with expiry"),
                    ]
                ),
                children: [
                    Command(
                        spec: CommandSpec(
                            path: ["interchange", "certs", "init"],
                            summary: "create the development PKI (EC P-256, openssl command line)",
                            positionals: [CommandSpec.Positional("DIR", "output directory, e.g. pki")],
                            options: [configOption, .flag("--force", "replace existing files (a new CA re-issues everything)")],
                            details: "Writes ca, gateway (server: localhost, 127.0.0.1), gateway-client (outbound mTLS),\n"
                                + "simulator, agencies/<id> for every configured agency and tokens/<name>.token for every\n"
                                + "operator and every agency with a tokenFile. Existing files are kept. Keys are mode 600.\n"
                                + "For development only: the CA key is kept next to the certificates."
                        ),
                        action: { certsInit($0) }
                    ),
                    Command(
                        spec: CommandSpec(
                            path: ["interchange", "certs", "list"],
                            summary: "list every certificate the configuration names with subject, expiry and days left",
                            options: [configOption],
                            details: "Flags certificates expiring within 30 days; exits 1 if any is missing or expired."
                        ),
                        action: { certsList($0) }
                    ),
                ]
            ),
        ]
    )
}
