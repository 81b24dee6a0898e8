package dev.elixr.autograd.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Modules held by index ("0", "1", …), as torch.nn.ModuleList: e.g. the layers of an encoder. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** Appends a module under the next index and returns it. */
    public M add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return module;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    @Override
    public Iterator<M> iterator() { return List.copyOf(items).iterator(); }
}
