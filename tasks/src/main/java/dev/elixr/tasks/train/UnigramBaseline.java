package dev.elixr.tasks.train;

/**
 * The baseline a language model must beat: every token drawn independently from the training corpus's token
 * frequencies, add-one (Laplace) smoothed over the vocabulary, p(w) = (count(w) + 1) / (N + V). Counted, like the
 * model's loss, over the predicted tokens: each row's tokens after its first {@code <s>}.
 */
public record UnigramBaseline(double[] logProbabilities) {
    public static UnigramBaseline fit(LmTraining.Corpus train, int vocabSize) {
        long[] counts = new long[vocabSize];
        long n = 0;
        for (int[] row : train.rows()) {
            for (int i = 1; i < row.length; i++) {
                counts[row[i]]++;
                n++;
            }
        }
        double[] lp = new double[vocabSize];
        for (int w = 0; w < vocabSize; w++) lp[w] = Math.log((counts[w] + 1.0) / (n + vocabSize));
        return new UnigramBaseline(lp);
    }

    public LmTraining.Perplexity perplexity(LmTraining.Corpus c) {
        double sum = 0;
        long count = 0;
        for (int[] row : c.rows()) {
            for (int i = 1; i < row.length; i++) {
                sum -= logProbabilities[row[i]];
                count++;
            }
        }
        return new LmTraining.Perplexity(count == 0 ? Double.NaN : sum / count, count);
    }
}
