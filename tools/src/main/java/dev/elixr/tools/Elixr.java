package dev.elixr.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.elixr.tasks.data.ImageStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The {@code elixr} command line: one root command; each subcommand is a small class that wires modules together. */
@Command(name = "elixr",
        mixinStandardHelpOptions = true,
        versionProvider = Elixr.Version.class,
        description = "ELIXR for chest X-rays, in pure Java: ELIXR-C and ELIXR-B training and evaluations (ELIXR-B stage 2: ask, describe, check-report), a vector index and HTTP service, the LLM host, tensors and autograd underneath.",
        subcommands = {InfoCommand.class, DataCommand.class, BenchCommand.class, TokenizeCommand.class, ForwardCommand.class,
                GenerateCommand.class, LogitsCommand.class,
                DemoCommand.class, TrainCommand.class, EvalCommand.class, EmbedCommand.class, IndexCommand.class, ServeCommand.class, SparkCommand.class,
                AskCommand.class, DescribeCommand.class, CheckReportCommand.class,
                CommandLine.HelpCommand.class})
public final class Elixr implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        useImageStore(System.getenv("ELIXR_IMAGE_STORE"));
        System.exit(commandLine().execute(args));
    }

    /**
     * Where decoded images live ({@link ImageStore}): the folder {@code ELIXR_IMAGE_STORE} names, {@code off} for the
     * heap, or by default {@code ~/.cache/elixr/image-store} ({@code $XDG_CACHE_HOME/elixr/image-store} when set). A
     * default folder this user cannot create (no home, as for {@code nobody}, or a read-only one) means the heap, as
     * {@code off} does; a folder named explicitly is used as given, so that a mistake in it is reported.
     */
    static void useImageStore(String env) {
        useImageStore(env, System.getenv("XDG_CACHE_HOME"), Path.of(System.getProperty("user.home")));
    }

    static void useImageStore(String env, String xdgCacheHome, Path home) {
        if (System.getProperty(ImageStore.ROOT_PROPERTY) != null) return;  // -Delixr.image-store=... given
        if (env != null && !env.isBlank()) {
            System.setProperty(ImageStore.ROOT_PROPERTY, env);
            return;
        }
        Path root = (xdgCacheHome != null && !xdgCacheHome.isBlank() ? Path.of(xdgCacheHome) : home.resolve(".cache"))
                .resolve("elixr/image-store");
        if (creatable(root)) System.setProperty(ImageStore.ROOT_PROPERTY, root.toString());
    }

    /** Whether the folder exists as a writable folder or its nearest existing ancestor is one. */
    private static boolean creatable(Path folder) {
        Path p = folder.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        return p != null && Files.isDirectory(p) && Files.isWritable(p);
    }

    /** The command tree as {@link #main} runs it: every command, parents included, answers {@code --help}. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Elixr())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println(ErrorLine.of(ex));
                    if (Boolean.getBoolean("elixr.debug")) ex.printStackTrace(cmd.getErr());
                    return 1;
                });
        withHelp(cli);
        return cli;
    }

    private static void withHelp(CommandLine cmd) {
        cmd.getCommandSpec().mixinStandardHelpOptions(true);
        cmd.getSubcommands().values().forEach(Elixr::withHelp);
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Elixr.class.getResourceAsStream("/elixr-version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"elixr " + p.getProperty("version", "unknown") + " (Java " + Runtime.version() + ")"};
        }
    }
}
