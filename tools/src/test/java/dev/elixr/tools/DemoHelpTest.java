package dev.elixr.tools;

import dev.elixr.tasks.demo.ElixrDemo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** `elixr demo --help` states the defaults the plans really use. */
class DemoHelpTest {
    @Test void helpStatesThePlansDefaults() {
        String help = new CommandLine(new Elixr()).getSubcommands().get("demo").getUsageMessage().replaceAll("\\s+", " ");
        var full = ElixrDemo.Plan.full();
        var quick = ElixrDemo.Plan.quick();
        assertTrue(help.contains("(default " + full.data().studies() + "; --quick " + quick.data().studies() + ")"), help);
        assertTrue(help.contains("(default " + full.data().imageSize() + "; --quick " + quick.data().imageSize() + ")"), help);
        assertTrue(help.contains("(default " + full.training().epochs() + "; --quick " + quick.training().epochs() + ")"), help);
        assertTrue(help.contains("(default " + full.data().difficulty() + ")"), help);
        assertTrue(help.contains("(default " + full.stageOne().epochs() + "; --quick " + quick.stageOne().epochs() + ")"), help);
    }
}
