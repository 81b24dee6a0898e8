package dev.elixr.models.hf;

import java.util.List;

/** Weights that do not fit a model: every missing, unexpected and mis-shaped tensor, one line each. */
public final class WeightLoadException extends IllegalArgumentException {
    private final List<String> problems;

    public WeightLoadException(String source, String model, List<String> problems, boolean listAll) {
        super(message(source, model, problems, listAll));
        this.problems = List.copyOf(problems);
    }

    /** All problems, whether or not the message lists them. */
    public List<String> problems() { return problems; }

    private static String message(String source, String model, List<String> problems, boolean listAll) {
        StringBuilder sb = new StringBuilder("weights in " + source + " do not fit " + model + ": ");
        if (listAll || problems.size() == 1) {
            sb.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
            for (String p : problems) sb.append("\n  ").append(p);
        } else {
            sb.append(problems.getFirst()).append(" (and ").append(problems.size() - 1)
                    .append(" more problems; ask for all mismatches to list them)");
        }
        return sb.toString();
    }
}
