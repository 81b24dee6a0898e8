package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;

import java.util.List;

/**
 * Layers applied in order. Each takes the index of its position as name ("0", "1", …) as in
 * torch.nn.Sequential; layers that are modules register their parameters under it.
 */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers;

    public Sequential(Layer... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] instanceof Module m) registerModule(Integer.toString(i), m);
        }
    }

    public List<Layer> layers() { return layers; }

    public Layer get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    @Override
    public Var forward(Var x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }
}
