package dev.elixr.tools;

import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.stream.Collectors;

/** The full command line as typed (recorded in run.json, eval.json and embedding metadata), shell-quoted. */
final class CommandLineText {
    private CommandLineText() {}

    static String of(CommandSpec spec) {
        var parsed = spec.root().commandLine().getParseResult();
        List<String> args = parsed == null ? List.of() : parsed.originalArgs();
        return "elixr" + args.stream().map(a -> " " + quote(a)).collect(Collectors.joining());
    }

    static String quote(String a) {
        if (!a.isEmpty() && a.matches("[A-Za-z0-9_@%+=:,./-]+")) return a;
        return "'" + a.replace("'", "'\\''") + "'";
    }
}
