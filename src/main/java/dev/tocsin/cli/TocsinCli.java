package dev.tocsin.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code tocsin} command line: what the seed runbooks do with curl (declare, acknowledge, update, resolve, who is
 * on call, verify the audit chain, check the monitors once), from a terminal or a script, with exit codes that say
 * what went wrong. It is the same jar as the server: {@code java -jar tocsin.jar incident list}. Without a command,
 * or with only {@code --name=value} settings, the jar starts the server instead.
 */
@Command(name = "tocsin", mixinStandardHelpOptions = true, versionProvider = TocsinCli.Version.class,
        description = "Tocsin's command line. It talks to a running Tocsin over its HTTP API (check --once runs on its own; "
                + "compact and copy-database open a stopped Tocsin's database).",
        subcommands = {IncidentCommand.class, EventCommand.class, OnCallCommand.class, AuditCommand.class,
                HealthCommand.class, CheckCommand.class, BackupCommand.class, CompactCommand.class,
                CopyDatabaseCommand.class,
                CommandLine.HelpCommand.class},
        // Picocli wraps a footer line wider than the usage width flush left, so each line is written to fit in 80
        // columns with its own indentation: a table, not a paragraph.
        usageHelpWidth = 80,
        footerHeading = "%nEnvironment:%n",
        footer = {"  TOCSIN_URL       where Tocsin runs (default: http://localhost:$PORT, with PORT",
                "                   defaulting to 8080)",
                "  TOCSIN_API_KEY   the API key to send (default: TOCSIN_ADMIN_KEY)",
                "",
                "Exit codes:",
                "  0   done; for audit verify, health and check --once: all is well",
                "  1   Tocsin refused the request (a 4xx), or what was checked is not well",
                "  2   the command line is wrong, or check --once was given an invalid file",
                "  3   Tocsin could not be reached, or failed on its side (a 5xx)",
                "",
                "Without a command, java -jar tocsin.jar starts the server."})
public final class TocsinCli {

    /** The options that ask the command line, not the server, for something. */
    private static final Set<String> OPTIONS = Set.of("--help", "-h", "--version", "-V");

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "where Tocsin runs (default: TOCSIN_URL, or localhost on $PORT, else 8080)")
    String url;

    @Option(names = "--api-key", scope = ScopeType.INHERIT, paramLabel = "KEY",
            description = "API key (default: TOCSIN_API_KEY, or TOCSIN_ADMIN_KEY)")
    String apiKey;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print Tocsin's JSON answer instead of text")
    boolean json;

    private final Map<String, String> env;
    private final Clock clock;
    private PrintWriter out;
    /** Where this run asked Tocsin, once it did: named when the answer was not one this command line understands. */
    private String askedTocsinAt;

    TocsinCli(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    /**
     * Whether these arguments ask for a command rather than the server: a word that is not an option, anywhere (the
     * options may come before the command: {@code --json incident list}, {@code --url URL health}). The server only
     * ever takes {@code --name=value} settings, so a mistyped command is reported, not taken for a start.
     */
    public static boolean isCommand(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-") || OPTIONS.contains(arg)) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command and returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock) {
        TocsinCli root = new TocsinCli(env, clock);
        root.out = out;
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(out).setErr(err)
                .setParameterExceptionHandler((wrong, arguments) -> {
                    // One sentence, as every other error: picocli's default buries it above the whole usage.
                    err.println("tocsin: " + usageProblem(wrong) + " (see: tocsin "
                            + wrong.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^tocsin ?", "")
                            .transform(path -> path.isEmpty() ? "" : path + " ") + "--help)");
                    err.flush();
                    return CliFailure.USAGE;
                })
                .setExecutionExceptionHandler((failure, command, parsed) -> {
                    if (failure instanceof CliFailure f) {
                        err.println("tocsin: " + f.getMessage());
                        err.flush();
                        return f.exitCode();
                    }
                    // Not a refusal the command foresaw: most likely an answer without the fields it reads, from
                    // another server at the URL or another version of Tocsin. Still one line, never a stack trace.
                    err.println("tocsin: " + command.getCommandSpec().qualifiedName(" ").replaceFirst("^tocsin ", "")
                            + " failed unexpectedly (" + failure.getClass().getSimpleName()
                            + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")"
                            + (root.askedTocsinAt == null ? "" : "; is " + root.askedTocsinAt
                            + " a Tocsin of the same version as this command line?"));
                    err.flush();
                    return CliFailure.UNREACHABLE;
                });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    ApiClient api() {
        askedTocsinAt = baseUrl();
        return new ApiClient(askedTocsinAt, key());
    }

    /** Picocli's words for what is wrong, with the commands it would have taken for a word it did not know. */
    private static String usageProblem(CommandLine.ParameterException wrong) {
        String problem = wrong.getMessage();
        if (wrong instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            problem += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return problem;
    }

    PrintWriter out() {
        return out;
    }

    private String baseUrl() {
        if (url != null) {
            return url;
        }
        String fromEnv = env.get("TOCSIN_URL");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : "http://localhost:" + env.getOrDefault("PORT", "8080");
    }

    private String key() {
        return apiKey != null ? apiKey : env.getOrDefault("TOCSIN_API_KEY", env.get("TOCSIN_ADMIN_KEY"));
    }

    Clock clock() {
        return clock;
    }

    String env(String name) {
        return env.get(name);
    }

    /** An environment variable, or {@code otherwise} when it is not set. */
    String env(String name, String otherwise) {
        return env.getOrDefault(name, otherwise);
    }

    /** Prints Tocsin's answer as JSON when --json was given; returns whether it did. */
    boolean printedJson(Object answer) {
        if (json) {
            out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        }
        return json;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TocsinCli.class.getPackage().getImplementationVersion();
            return new String[] {"tocsin " + (version == null ? "(development build)" : version)};
        }
    }
}
