package dev.elixr.tasks.index;

import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.models.elixr.AntialiasedResize;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.progress.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code elixr index build|add}: embeds the images of a data set that the index does not hold yet, in chunks, and
 * commits after each chunk, so that a killed build continues where its last commit ended (and, entries being keyed by
 * id, never duplicates). Unreadable images are reported and skipped; each entry keeps a small PNG thumbnail.
 */
public final class IndexBuilder {
    private IndexBuilder() {}

    /** chunk: images embedded and committed together; thumbnail: the longer side of the stored thumbnail in pixels (0: none). */
    public record Options(VectorIndex.Hnsw hnsw, int chunk, int thumbnail, String commandLine, boolean progress) {
        public Options {
            if (chunk < 1) throw new IllegalArgumentException("--chunk must be >= 1, got " + chunk);
            if (thumbnail < 0 || thumbnail > 512) throw new IllegalArgumentException("--thumbnail must be in [0, 512], got " + thumbnail);
        }
    }

    /** added: new entries; present: images the index already held; unreadable: skipped images; size: entries now. */
    public record Result(int added, int present, int unreadable, int size) {}

    /** Creates the index (or continues an interrupted build of it with the same model) and adds every image not in it. */
    public static Result build(Path index, Embedder embedder, List<CxrStudy> studies, Options o, PrintStream log) throws IOException {
        if (IndexManifest.exists(index)) {
            IndexManifest.read(index).requireSameSpace(embedder, index);
            log.println("elixr: " + index + " exists with this model: continuing (images already indexed are skipped)");
        } else {
            IndexManifest.write(index, embedder, o.hnsw(), o.commandLine());
        }
        return addAll(index, embedder, studies, o, log);
    }

    /** Adds to an existing index the images it does not hold yet. */
    public static Result add(Path index, Embedder embedder, List<CxrStudy> studies, Options o, PrintStream log) throws IOException {
        IndexManifest m = IndexManifest.read(index);
        m.requireSameSpace(embedder, index);
        return addAll(index, embedder, studies, new Options(m.hnsw(), o.chunk(), o.thumbnail(), o.commandLine(), o.progress()), log);
    }

    private static Result addAll(Path index, Embedder embedder, List<CxrStudy> studies, Options o, PrintStream log) throws IOException {
        try (VectorIndex vi = VectorIndex.openWritable(index, embedder.dim(), o.hnsw())) {
            Set<String> present = vi.ids();
            Map<String, CxrStudy> todo = new LinkedHashMap<>();
            int already = 0;
            for (CxrStudy s : studies) {
                if (present.contains(s.dicomId())) already++;
                else todo.putIfAbsent(s.dicomId(), s);
            }
            List<CxrStudy> list = List.copyOf(todo.values());
            Progress bar = new Progress("index", list.size(), "img", o.progress());
            int added = 0, unreadable = 0;
            for (int s = 0; s < list.size(); s += o.chunk()) {
                List<CxrStudy> part = list.subList(s, Math.min(list.size(), s + o.chunk()));
                GreyImage[] img = decode(part, embedder.decode(), log);
                List<CxrStudy> ok = new ArrayList<>();
                List<GreyImage> okImg = new ArrayList<>();
                for (int i = 0; i < img.length; i++) if (img[i] != null) { ok.add(part.get(i)); okImg.add(img[i]); }
                unreadable += part.size() - ok.size();
                float[][] v = okImg.isEmpty() ? new float[0][] : embedder.embedImages(okImg);
                List<IndexEntry> entries = new ArrayList<>(ok.size());
                for (int i = 0; i < ok.size(); i++) {
                    CxrStudy st = ok.get(i);
                    entries.add(new IndexEntry(st.dicomId(), st.studyId(), st.subjectId(), st.split(), v[i], thumbnail(okImg.get(i), o.thumbnail())));
                }
                vi.add(entries);
                vi.commit();
                added += entries.size();
                bar.advance(part.size(), vi.size() + " indexed");
            }
            bar.finish();
            if (unreadable > 0) log.println("elixr: " + unreadable + " unreadable images skipped");
            return new Result(added, already, unreadable, vi.size());
        }
    }

    /** The images decoded as the embedder's run was trained ({@link Embedder#decode}). */
    private static GreyImage[] decode(List<CxrStudy> part, String decode, PrintStream log) {
        GreyImage[] out = new GreyImage[part.size()];
        IntStream.range(0, part.size()).parallel().forEach(i -> {
            try {
                out[i] = CxrImageFile.read(part.get(i).image(), decode);
            } catch (Exception e) {
                synchronized (log) { log.println("elixr: skipping unreadable image " + part.get(i).image() + ": " + e.getMessage()); }
            }
        });
        return out;
    }

    /** An 8-bit grey PNG whose longer side is {@code size} pixels (aspect ratio kept), or null for size 0. */
    public static byte[] thumbnail(GreyImage g, int size) throws IOException {
        if (size == 0) return null;
        double scale = (double) size / Math.max(g.width(), g.height());
        int w = Math.max(1, (int) Math.round(g.width() * scale)), h = Math.max(1, (int) Math.round(g.height() * scale));
        return CxrImageCodec.encodePng(CxrImageCodec.toGrey8(new GreyImage(w, h, AntialiasedResize.resize(g.pixels(), g.width(), g.height(), w, h))));
    }
}
