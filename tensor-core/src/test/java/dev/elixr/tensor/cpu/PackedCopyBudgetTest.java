package dev.elixr.tensor.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The packed-copy budget: copies count while held, past the budget none is made, bytes come back once. */
class PackedCopyBudgetTest {
    @Test
    void aHeldCopyCountsItsBytesUntilReleasedOnceAndPastTheBudgetNoCopyIsMade() {
        PackedCopyBudget budget = new PackedCopyBudget(100);
        var a = budget.hold(60, () -> new float[15]);
        assertNotNull(a);
        assertEquals(60, budget.used());
        int[] made = {0};
        assertNull(budget.hold(50, () -> { made[0]++; return new float[1]; }), "60 + 50 is past 100");
        assertEquals(0, made[0], "past the budget the copy is not made");
        assertEquals(60, budget.used());
        a.release();
        a.release();
        assertEquals(0, budget.used(), "released once, however often asked");
        assertNotNull(budget.hold(100, () -> new float[25]), "the whole budget fits");
    }

    @Test
    void aFailingMakeCountsNothing() {
        PackedCopyBudget budget = new PackedCopyBudget(100);
        assertThrows(IllegalStateException.class, () -> budget.hold(40, () -> { throw new IllegalStateException("no memory for the copy"); }));
        assertEquals(0, budget.used());
    }

    @Test
    void aCopyThatBecomesGarbageGivesItsBytesBack() throws InterruptedException {
        PackedCopyBudget budget = new PackedCopyBudget(1 << 20);
        budget.hold(4096, () -> new float[1024]); // dropped at once
        for (int i = 0; i < 200 && budget.used() != 0; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(0, budget.used(), "the cleaner gave the garbage copy's bytes back");
    }

    @Test
    void aNegativeBudgetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PackedCopyBudget(-1));
    }
}
