package dev.elixr.tasks.data.synth;

import dev.elixr.models.elixr.AntialiasedResize;
import dev.elixr.tasks.data.GreyImage;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic hospital (ELIXR's RQ5, generalisation across sources): how its detectors render the same anatomy and how
 * sick its patients are. Site A is the generator's own behaviour (its bytes unchanged); site B is a second hospital
 * with another detector response (gamma, contrast), more quantum noise, a coarser detector (blurred to half
 * resolution and back), collimation (unexposed borders of a different width on each side, drawn per image), a burned-in
 * laterality marker, MONOCHROME1 DICOM with a rescale intercept, and an ICU-heavy
 * patient mix (more portable AP films, lines and tubes, effusions and atelectasis; more heart failure), and its own
 * report style ({@link ReportStyle}: headings, section order, templates, abbreviations). Everything is
 * drawn from seeds, so a site's data set is a function of (seed, options).
 *
 * @param gamma       detector response v ↦ v^gamma (1: none)
 * @param contrast    v ↦ 0.5 + contrast·(v − 0.5) after the gamma
 * @param noise       standard deviation of added Gaussian noise (values in [0, 1])
 * @param resolution  detector resolution as a fraction of the image side (1: none; 0.5: blurred to half and back)
 * @param collimation the most of each side the collimator's shutters leave unexposed, as a fraction of the image side
 *                    (0: none); each border's width is drawn per image between a quarter of that and all of it
 * @param marker      burn in a bright square laterality marker in the upper left corner
 * @param icu         multiplier of the share of ICU studies (0.22 at site A)
 * @param heartFailure multiplier of the share of heart-failure patients (0.2 at site A)
 * @param monochrome1 DICOM files store inverted values (MONOCHROME1) with a rescale intercept
 */
public record Site(String name, double gamma, double contrast, double noise, double resolution, double collimation, boolean marker,
                   double icu, double heartFailure, boolean monochrome1) {
    public static final Site A = new Site("A", 1, 1, 0, 1, 0, false, 1, 1, false);
    public static final Site B = new Site("B", 0.7, 0.75, 0.03, 0.5, 0.08, true, 2.0, 1.5, true);

    /** The display value of the collimated (unexposed) borders: bright as unexposed film, below the marker's 1. */
    static final float UNEXPOSED = 0.92f;

    /** A or B (case-insensitive). */
    public static Site parse(String s) {
        return switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "A" -> A;
            case "B" -> B;
            default -> throw new IllegalArgumentException("--site " + s + ": the synthetic sites are A (default) and B");
        };
    }

    /** How this site writes its reports: site A in MIMIC-CXR's style, every other site in site B's ({@link ReportStyle}). */
    ReportStyle reportStyle() { return isDefault() ? ReportStyle.MIMIC : ReportStyle.SITE_B; }

    /** Whether images are rendered exactly as the generator always did. */
    public boolean isDefault() { return equals(A); }

    /** The image as this site's detector records it (a new image; site A returns the input). */
    GreyImage acquire(GreyImage g, long seed) {
        if (isDefault()) return g;
        int w = g.width(), h = g.height();
        float[] px = g.pixels();
        if (resolution < 1) {
            int lw = Math.max(8, (int) Math.round(w * resolution)), lh = Math.max(8, (int) Math.round(h * resolution));
            px = AntialiasedResize.resize(AntialiasedResize.resize(px, w, h, lw, lh), lw, lh, w, h);
        } else {
            px = px.clone();
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < px.length; i++) {
            double v = Math.pow(Math.clamp(px[i], 0f, 1f), gamma);
            v = 0.5 + contrast * (v - 0.5) + noise * gaussian(r);
            px[i] = (float) Math.clamp(v, 0.0, 1.0);
        }
        if (collimation > 0) collimate(px, w, h, r);
        if (marker) {
            int s = Math.max(3, w / 16), x0 = w / 20, y0 = h / 20;
            for (int y = y0; y < Math.min(h, y0 + s); y++) for (int x = x0; x < Math.min(w, x0 + s); x++) px[y * w + x] = 1f;
        }
        return new GreyImage(w, h, px, g.bitDepth());
    }

    /** Blanks a border of each side, its width drawn between a quarter of {@code collimation} and all of it. */
    private void collimate(float[] px, int w, int h, SplittableRandom r) {
        int left = border(w, r), right = border(w, r), top = border(h, r), bottom = border(h, r);
        for (int y = 0; y < h; y++) {
            boolean row = y < top || y >= h - bottom;
            for (int x = 0; x < w; x++) if (row || x < left || x >= w - right) px[y * w + x] = UNEXPOSED;
        }
    }

    private int border(int side, SplittableRandom r) {
        return (int) Math.round(side * collimation * (0.25 + 0.75 * r.nextDouble()));
    }

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(r.nextDouble(), 1e-300), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
