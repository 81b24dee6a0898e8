package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.Finding;

import java.util.SplittableRandom;

/**
 * Support devices as they project on a frontal film: endotracheal tube (radiopaque stripe, tip above the carina),
 * central venous catheter (internal jugular or subclavian, tip in the superior vena cava), pacemaker (generator in
 * the left upper chest, leads to the right atrium and ventricle) and enteric tube (down the oesophagus, below the
 * left hemidiaphragm into the stomach).
 */
final class Devices {
    static final String ETT = "endotracheal tube", CVC = "central venous catheter", PACEMAKER = "pacemaker", ENTERIC = "enteric tube";
    static final String[] KINDS = {ETT, CVC, PACEMAKER, ENTERIC};

    private Devices() {}

    static void draw(Raster d, Thorax t, Finding f, SplittableRandom r) {
        String kind = f.kind();
        float cx = t.cx(), apex = t.a.apexY(), carina = t.carinaY();
        switch (kind) {
            case ETT -> {
                float tip = carina - 0.03f - 0.03f * r.nextFloat();
                float[] xs = {cx + 0.006f, cx + 0.003f, cx + 0.001f}, ys = {0f, apex, tip};
                d.stroke(xs, ys, 0.0075f, 0.3f, 0.8f);              // the tube, its walls brighter
                d.stroke(xs, ys, 0.003f, 1.2f, 0);                  // its radiopaque stripe (a catheter: 0.0045, 0.9)
            }
            case ENTERIC -> {
                float dome = t.dome(1, 0.3f * t.w());
                d.stroke(new float[] {cx + 0.012f, cx + 0.015f, cx + 0.02f, cx + 0.05f, cx + 0.1f, cx + 0.14f},
                        new float[] {0f, carina, dome - 0.05f, dome + 0.02f, dome + 0.07f, dome + 0.06f}, 0.005f, 0.5f, 0.6f);
            }
            case CVC -> {
                float tipY = apex + 0.15f + 0.04f * r.nextFloat();
                if (f.laterality() != Finding.Laterality.LEFT) {   // right internal jugular
                    d.stroke(new float[] {cx - 0.085f, cx - 0.06f, cx - 0.04f, cx - 0.033f},
                            new float[] {0f, apex + 0.02f, apex + 0.08f, tipY}, 0.0045f, 0.9f, 0.3f);
                } else {                                       // left subclavian
                    d.stroke(new float[] {cx + t.w() * 0.85f, cx + 0.18f, cx + 0.06f, cx - 0.01f, cx - 0.033f},
                            new float[] {apex + 0.01f, apex + 0.055f, apex + 0.075f, apex + 0.11f, tipY}, 0.0045f, 0.9f, 0.3f);
                }
            }
            case PACEMAKER -> {
                float gx = cx + 0.24f + 0.04f * r.nextFloat(), gy = apex + 0.07f + 0.03f * r.nextFloat();
                d.ellipse(gx, gy, 0.038f, 0.028f, 0.2f, 1.6f, 2 * d.aa, 0f);
                float ra = t.a.domeY() - 0.16f, rv = t.a.domeY() - 0.03f;
                d.stroke(new float[] {gx - 0.02f, cx + 0.08f, cx + 0.01f, cx - 0.04f, cx - 0.03f},
                        new float[] {gy, apex + 0.06f, apex + 0.12f, ra - 0.04f, ra}, 0.0035f, 0.7f, 0);
                d.stroke(new float[] {gx - 0.02f, cx + 0.08f, cx + 0.01f, cx - 0.035f, cx + 0.04f, cx + 0.1f},
                        new float[] {gy + 0.005f, apex + 0.07f, apex + 0.13f, ra, rv - 0.02f, rv}, 0.0035f, 0.7f, 0);
            }
            default -> throw new IllegalArgumentException("unknown support device '" + kind + "'");
        }
    }
}
