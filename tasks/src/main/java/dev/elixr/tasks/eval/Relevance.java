package dev.elixr.tasks.eval;

import java.util.Map;

/**
 * Graded relevance of an image to a search query, from the ground truth (ELIXR section 2.4: 2 exact, 1 partial,
 * 0 none). The rule:
 * <ul>
 * <li>A term is <b>met</b> when its finding is present and every constraint (laterality, severity, zone, kind)
 *     equals the truth's attribute (a listed value counts); <b>touched</b> when the finding is present but a
 *     constraint differs or the attribute is unknown (real data without structured truth).</li>
 * <li>2 when every term is met; 1 when at least one term is met or touched; 0 otherwise.
 *     So "left pleural effusion" gives 2 for a left effusion, 1 for a right or bilateral one, 0 without effusion;
 *     "cardiomegaly with pulmonary edema" gives 1 when only one of the two is present.</li>
 * <li>A {@code normal} query gives 2 when no finding is present, 1 when only support devices are present,
 *     0 when any other finding is present.</li>
 * </ul>
 */
public final class Relevance {
    private Relevance() {}

    public static int grade(SearchQuery q, StudyTruth truth) {
        if (q.normal()) {
            if (truth.present().isEmpty()) return 2;
            return truth.present().size() == 1 && truth.has("Support Devices") ? 1 : 0;
        }
        int met = 0, touched = 0;
        for (SearchQuery.Term t : q.terms()) {
            if (!truth.has(t.finding())) continue;
            touched++;
            boolean all = true;
            for (Map.Entry<String, String> c : t.constraints().entrySet())
                all &= truth.attributeMatches(t.finding(), c.getKey(), c.getValue());
            if (all) met++;
        }
        if (met == q.terms().size()) return 2;
        return touched > 0 ? 1 : 0;
    }
}
