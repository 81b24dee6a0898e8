package dev.elixr.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packages of a module depend on each other in one direction only: the imports (and fully qualified names) of its
 * {@code src/main/java} files form no cycle. A cycle is reported as the packages around it and, for each step, one file
 * that makes it.
 */
class PackageCyclesTest {
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** A reference to a class of the project: lower-case package segments, then a capitalised name. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.elixr((?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** package → (package it uses → a file that uses it). */
    static Map<String, Map<String, Path>> graph(Path sources) {
        Map<String, Map<String, Path>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(f);
                Matcher pk = PACKAGE.matcher(text);
                if (!pk.find()) continue;
                String from = pk.group(1);
                Map<String, Path> uses = g.computeIfAbsent(from, k -> new TreeMap<>());
                Matcher m = REFERENCE.matcher(COMMENT.matcher(text).replaceAll(""));
                while (m.find()) {
                    String to = "dev.elixr" + m.group(1);
                    if (!to.equals(from)) uses.putIfAbsent(to, f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    /** One cycle of the graph as its packages in order (first repeated last), or empty when there is none. */
    static Optional<List<String>> cycle(Map<String, Map<String, Path>> g) {
        Map<String, Integer> state = new TreeMap<>();  // 1: on the current path, 2: done
        for (String start : g.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            Optional<List<String>> c = visit(start, g, state, path);
            if (c.isPresent()) return c;
        }
        return Optional.empty();
    }

    private static Optional<List<String>> visit(String p, Map<String, Map<String, Path>> g, Map<String, Integer> state, Deque<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return Optional.empty();
        if (s != null) {
            List<String> c = new ArrayList<>();
            boolean in = false;
            for (String q : path.reversed()) { if (q.equals(p)) in = true; if (in) c.add(q); }
            c.add(p);
            return Optional.of(c);
        }
        state.put(p, 1);
        path.push(p);
        for (String q : g.getOrDefault(p, Map.of()).keySet()) {
            Optional<List<String>> c = visit(q, g, state, path);
            if (c.isPresent()) return c;
        }
        path.pop();
        state.put(p, 2);
        return Optional.empty();
    }

    static String describe(List<String> cycle, Map<String, Map<String, Path>> g, Path root) {
        StringBuilder sb = new StringBuilder("package cycle " + String.join(" -> ", cycle) + ":");
        for (int i = 0; i + 1 < cycle.size(); i++)
            sb.append("\n  ").append(cycle.get(i)).append(" -> ").append(cycle.get(i + 1)).append(" in ")
                    .append(root.relativize(g.get(cycle.get(i)).get(cycle.get(i + 1))));
        return sb.toString();
    }

    static Path repository() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("tasks/src/main/java")) && Files.isDirectory(p.resolve("models/src/main/java"))) return p;
        throw new IllegalStateException("no elixr-java checkout above " + here);
    }

    @ParameterizedTest
    @ValueSource(strings = {"models", "tasks", "tools", "bench"})
    void theMainPackagesOfAModuleFormNoCycle(String module) {
        Path root = repository();
        var g = graph(root.resolve(module).resolve("src/main/java"));
        assertTrue(g.size() > 1 || module.equals("tools"), module + ": expected several packages, found " + g.keySet());
        cycle(g).ifPresent(c -> fail(describe(c, g, root)));
    }

    @Test
    void aCycleIsFoundAndNamedWithTheFilesThatMakeIt(@TempDir Path tmp) throws IOException {
        write(tmp, "a/A.java", "package dev.elixr.x.a;\nimport dev.elixr.x.b.B;\nclass A {}");
        write(tmp, "b/B.java", "package dev.elixr.x.b;\nclass B { dev.elixr.x.c.C c; }");
        write(tmp, "c/C.java", "package dev.elixr.x.c;\n/** {@link dev.elixr.x.d.D} */\nclass C { Object o = dev.elixr.x.a.A.class; }");
        write(tmp, "d/D.java", "package dev.elixr.x.d;\nimport dev.elixr.x.a.A;\nclass D {}");
        var g = graph(tmp);
        assertEquals(new TreeSet<>(List.of("dev.elixr.x.c")), g.get("dev.elixr.x.b").keySet(), "a fully qualified name counts");
        assertFalse(g.get("dev.elixr.x.c").containsKey("dev.elixr.x.d"), "a Javadoc link does not");
        List<String> c = cycle(g).orElseThrow();
        assertEquals(List.of("dev.elixr.x.a", "dev.elixr.x.b", "dev.elixr.x.c", "dev.elixr.x.a"), c);
        String text = describe(c, g, tmp);
        assertTrue(text.contains("dev.elixr.x.c -> dev.elixr.x.a in c/C.java"), text);

        write(tmp, "c/C.java", "package dev.elixr.x.c;\nclass C {}");
        assertEquals(Optional.empty(), cycle(graph(tmp)), "a -> b -> c and d -> a: no cycle");
    }

    private static void write(Path dir, String file, String text) throws IOException {
        Path f = dir.resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }
}
