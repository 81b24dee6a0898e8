package dev.elixr.tasks.data.synth;

import java.util.SplittableRandom;

/**
 * The anatomy and acquisition of one frontal radiograph, in normalised image units (0..1 across the image, the
 * patient's right on the image's left). A patient draws body habitus, thorax and heart once; each study then
 * varies inspiration, rotation, positioning, exposure and projection (PA or AP).
 */
record Anatomy(
        boolean female, int age,
        float halfWidth,      // rib cage half-width
        float fat,            // soft tissue beyond the rib cage
        float apexY,          // lung apices
        float domeY,          // right hemidiaphragm dome (left sits lower by domeLeftDrop)
        float domeLeftDrop,
        float domeCurve,      // how far the lateral costophrenic angles sit below the domes
        float ctr,            // cardiothoracic ratio of the normal heart
        float heartHeight,
        float mediastinumHalfWidth,
        float ribThickness,
        float tissue,         // soft tissue attenuation
        float aeration,       // how dark aerated lung is (fraction of tissue removed)
        float exposure,       // gain of the attenuation-to-intensity curve
        float gamma,
        float tiltDeg, float scale, float shiftX, float shiftY,
        float breast,         // breast shadow strength
        boolean stomachBubble,
        boolean ap,
        long textureSeed) {

    static float gauss(SplittableRandom r, float mean, float sd, float lo, float hi) {
        return Math.clamp(mean + sd * (float) r.nextGaussian(), lo, hi);
    }

    /** A patient's baseline anatomy. */
    static Anatomy patient(SplittableRandom r, Difficulty d) {
        float v = d.variation;
        boolean female = r.nextBoolean();
        float hw = gauss(r, female ? 0.355f : 0.375f, 0.018f * v, 0.31f, 0.43f);
        float fat = gauss(r, 0.055f, 0.02f * v, 0.02f, 0.11f);
        return new Anatomy(female, 20 + r.nextInt(70), hw, fat,
                gauss(r, 0.14f, 0.012f * v, 0.10f, 0.19f),
                gauss(r, 0.70f, 0.025f * v, 0.62f, 0.78f),
                gauss(r, 0.018f, 0.01f * v, -0.01f, 0.05f),
                gauss(r, 0.075f, 0.012f * v, 0.045f, 0.11f),
                gauss(r, 0.445f, 0.022f * v, 0.38f, 0.505f),
                gauss(r, 0.20f, 0.015f * v, 0.16f, 0.25f),
                gauss(r, 0.052f, 0.007f * v, 0.038f, 0.068f),
                gauss(r, 0.0165f, 0.002f, 0.012f, 0.021f),
                gauss(r, 1.0f, 0.08f * v, 0.75f, 1.25f),
                gauss(r, 0.70f, 0.04f * v, 0.58f, 0.80f),
                1.5f, 1f, 0f, 1f, 0f, 0f,
                female ? gauss(r, 0.10f, 0.05f * v, 0f, 0.2f) : 0f,
                r.nextFloat() < 0.6f, false, r.nextLong());
    }

    /** This patient imaged in one study: inspiration, positioning, exposure and projection vary. */
    Anatomy study(SplittableRandom r, Difficulty d, boolean apView) {
        float v = d.variation;
        float inspiration = gauss(r, 0f, 0.02f * v, -0.05f, 0.05f) + (apView ? -0.03f : 0f);
        return new Anatomy(female, age, halfWidth, fat, apexY + (apView ? 0.02f : 0f), domeY - inspiration,
                domeLeftDrop, domeCurve, ctr * (apView ? 1.06f : 1f), heartHeight, mediastinumHalfWidth * (apView ? 1.08f : 1f),
                ribThickness, tissue, aeration * gauss(r, 1f, 0.04f * v, 0.85f, 1.12f),
                gauss(r, 1.2f, 0.12f * v, 0.9f, 1.55f), gauss(r, 1.1f, 0.08f * v, 0.9f, 1.35f),
                gauss(r, 0f, 1.5f * v, -4.5f, 4.5f), gauss(r, 1f, 0.03f * v, 0.92f, 1.08f),
                gauss(r, 0f, 0.012f * v, -0.035f, 0.035f), gauss(r, 0f, 0.012f * v, -0.035f, 0.035f),
                breast, stomachBubble && r.nextFloat() < 0.85f, apView, r.nextLong());
    }

    /** Image x of the midline. */
    float cx() { return 0.5f; }

    /** Hemidiaphragm dome height on one image side (-1: image left = patient right; +1: patient left). */
    float dome(int side) { return side < 0 ? domeY : domeY + domeLeftDrop; }

    /** Lung height from apex to dome. */
    float lungHeight() { return domeY - apexY; }
}
