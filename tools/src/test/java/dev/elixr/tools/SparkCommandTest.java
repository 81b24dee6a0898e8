package dev.elixr.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkCommandTest {
    @Test
    void sparkIsNotOnTheClassPathOfTheCliSoNoOtherCommandCanLoadIt() {
        // this is the class path of the elixr jar (its runtime dependencies) that `elixr demo` and every other command run on
        assertNull(getClass().getClassLoader().getResource("org/apache/spark/SparkContext.class"));
        assertNull(getClass().getClassLoader().getResource("org/apache/hadoop/conf/Configuration.class"));
        assertNull(getClass().getClassLoader().getResource("scala/Option.class"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.spark.sql.SparkSession"));
    }

    @Test
    void embedStartsTheJobInAJvmOfItsOwnWithTheSparkModulesArgsFileAndItsOptions() {
        var embed = new SparkCommand.Embed();
        new CommandLine(embed).parseArgs("--master", "local[2]", "--run", "r", "--data", "d", "--out", "o", "--index", "i", "--batch", "8");
        List<String> c = embed.command(Path.of("/x/spark/target/elixr-spark.args"), "-Xmx6g -Dfoo=1");
        assertEquals(List.of("-Xmx6g", "-Dfoo=1", "@/x/spark/target/elixr-spark.args", "dev.elixr.spark.SparkEmbedMain",
                "--master", "local[2]", "--run", "r", "--data", "d", "--out", "o", "--index", "i", "--batch", "8"), c.subList(1, c.size()));
        assertTrue(c.get(0).endsWith("java"), c.get(0));
    }

    @Test
    void withoutTheBuiltSparkModuleEmbedSaysHowToBuildIt(@TempDir Path home) {
        String before = System.getProperty("elixr.home");
        System.setProperty("elixr.home", home.toString());
        try {
            StringWriter err = new StringWriter();
            CommandLine cli = Elixr.commandLine();
            cli.setErr(new PrintWriter(err));
            int code = cli.execute("spark", "embed", "--run", "r", "--data", "d", "--out", "o");
            assertEquals(1, code);
            assertTrue(err.toString().contains("the Spark job is not built") && err.toString().contains("-pl spark -am"), err.toString());
        } finally {
            if (before == null) System.clearProperty("elixr.home");
            else System.setProperty("elixr.home", before);
        }
    }
}
