package dev.elixr.tools;

import dev.elixr.tasks.demo.ElixrCDemo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** `elixr demo --help` states the defaults the plans really use. */
class DemoHelpTest {
    @Test void helpStatesThePlansDefaults() {
        String help = new CommandLine(new Elixr()).getSubcommands().get("demo").getUsageMessage().replaceAll("\\s+", " ");
        var full = ElixrCDemo.Plan.full();
        var quick = ElixrCDemo.Plan.quick();
        assertTrue(help.contains("(default " + full.studies() + "; --quick " + quick.studies() + ")"), help);
        assertTrue(help.contains("(default " + full.imageSize() + "; --quick " + quick.imageSize() + ")"), help);
        assertTrue(help.contains("(default " + full.epochs() + "; --quick " + quick.epochs() + ")"), help);
        assertTrue(help.contains("(default " + full.difficulty() + ")"), help);
    }
}
