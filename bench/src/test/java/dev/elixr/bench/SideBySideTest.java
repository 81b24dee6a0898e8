package dev.elixr.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SideBySideTest {
    /** Tiny rounds so the test is quick; what is checked is the schedule, not a speed. */
    private static final Timing TIMING = new Timing(0.0, 4, 0.001, false);

    @Test
    void roundsAlternateInPairsWithAnUntimedPeerRoundAtEachSwitchToThePeer() {
        List<String> log = new ArrayList<>();
        List<Double> answers = new ArrayList<>(List.of(9.0, 5.0, 7.0, 8.0, 1.0, 6.0));
        Timing.Pair p = TIMING.sideBySide(() -> {
            if (log.isEmpty() || !log.getLast().equals("ours")) log.add("ours"); // one entry per stretch of our rounds
        }, seconds -> {
            log.add("peer");
            return answers.removeFirst();
        });
        // rounds 0 and 2: ours then (untimed, timed) peer; rounds 1 and 3: timed peer then ours — 4 timed peer rounds, 2 untimed
        assertTrue(answers.isEmpty(), "the peer answered 6 times, 4 timed and 2 untimed");
        // timed peer answers: 5.0 (round 0), 7.0 (round 1), 1.0 (round 2), 6.0 (round 3); the untimed 9.0 and 8.0 are dropped
        assertEquals(1.0, p.peer());
        assertTrue(p.ours() > 0 && p.ours() < 1, "ours is a best seconds per call of a cheap body: " + p.ours());
        assertEquals(List.of("ours", "peer", "peer", "peer", "ours", "peer", "peer", "peer", "ours"), log,
                "ours | untimed peer, peer | peer | ours (untimed, then timed) | untimed peer, peer | peer | ours");
    }

    @Test
    void aPeerThatFailsLeavesItsFigureNaNAndOursMeasured() {
        Timing.Pair p = TIMING.sideBySide(() -> { }, seconds -> { throw new IOException("peer gone"); });
        assertTrue(Double.isNaN(p.peer()));
        assertTrue(p.ours() >= 0 && p.ours() < 1);
    }
}
