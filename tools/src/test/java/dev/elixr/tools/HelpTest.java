package dev.elixr.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command of the tree, parents such as {@code elixr data} and {@code elixr train} included, answers --help. */
class HelpTest {
    @Test void everyCommandPrintsItsUsageForHelpAndExitsZero() {
        List<String[]> paths = new ArrayList<>();
        collect(Elixr.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() > 10, "commands found: " + paths.size());
        for (String[] path : paths) {
            CommandLine cli = Elixr.commandLine();
            StringWriter out = new StringWriter(), err = new StringWriter();
            cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
            String[] args = new String[path.length + 1];
            System.arraycopy(path, 0, args, 0, path.length);
            args[path.length] = "--help";
            int code = cli.execute(args);
            String shown = String.join(" ", args);
            assertEquals(0, code, shown + ": " + err);
            assertTrue(out.toString().startsWith("Usage: elixr"), shown + ": " + out);
        }
    }

    private static void collect(CommandLine cmd, List<String> path, List<String[]> out) {
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p.toArray(String[]::new));
            collect(e.getValue(), p, out);
        }
    }
}
