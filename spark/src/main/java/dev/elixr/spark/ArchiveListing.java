package dev.elixr.spark;

import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What an archive holds, read on the driver: a MIMIC-CXR-JPG folder (its frontal images, as {@code elixr embed} and
 * {@code elixr index build} read it), a CSV or Parquet listing with a {@code path} column (optional {@code dicom_id},
 * {@code study_id}, {@code subject_id}, {@code split}, {@code view}; a Parquet listing may be a folder named
 * {@code *.parquet}, as Spark writes one; relative paths are resolved against the folder that holds the listing;
 * without {@code dicom_id} the file name without extension is the id), or any other folder: every
 * {@code .dcm}, {@code .dicom}, {@code .jpg}, {@code .jpeg} and {@code .png} file under it, the id being its path
 * relative to the folder without extension. Ids are unique: a repeated id keeps its first image.
 */
public final class ArchiveListing {
    private ArchiveListing() {}

    /** The listing, in a deterministic order (that of the listing file, or of sorted paths for a folder walk). */
    public record Listing(List<ArchiveImage> images, String kind, int duplicatesDropped) {
        /** SHA-256 over ids and paths, in order: a rerun on the same output must see the same listing. */
        public String digest() {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (ArchiveImage a : images) {
                    md.update(a.id().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    md.update(a.path().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) '\n');
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Reads {@code data} (on the driver, without Spark: a listing is small beside what it lists). */
    public static Listing read(Path data) throws IOException {
        String name = data.getFileName() == null ? "" : data.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(data) && !name.endsWith(".parquet")) {
            if (Files.isRegularFile(data.resolve(MimicCxrJpg.SPLIT))) return mimic(data);
            return folder(data);
        }
        if (!Files.exists(data)) throw new NoSuchFileException(data.toString(), null, "no archive listing there (a MIMIC-CXR-JPG folder, a folder of images, or a .csv/.parquet listing)");
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) return csv(data);
        if (name.endsWith(".parquet")) return parquet(data);
        throw new IllegalArgumentException(data + ": not a listing (expected a folder, a .csv, .csv.gz or .parquet file)");
    }

    static Listing mimic(Path root) throws IOException {
        List<ArchiveImage> out = new ArrayList<>();
        for (CxrStudy s : MimicCxrJpg.read(root))
            out.add(new ArchiveImage(s.dicomId(), s.studyId(), s.subjectId(), s.split(), s.view(), s.image().toAbsolutePath().normalize().toString()));
        return unique(out, "MIMIC-CXR-JPG");
    }

    static Listing csv(Path file) throws IOException {
        Csv c = Csv.read(file);
        if (!c.has("path")) throw new IllegalArgumentException(file + ": a listing needs a 'path' column; its columns are " + c.header());
        Path base = file.toAbsolutePath().getParent();
        List<ArchiveImage> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            int row = i;
            out.add(image(base, col -> c.has(col) ? c.get(row, col) : null));
        }
        return unique(out, "CSV listing");
    }

    /** A Parquet file, or a folder of part files as Spark writes one (read in name order), with parquet-hadoop. */
    static Listing parquet(Path file) throws IOException {
        List<Path> parts;
        if (Files.isDirectory(file)) {
            try (Stream<Path> s = Files.list(file)) {
                parts = s.filter(p -> isPartFile(p.getFileName().toString())).sorted().toList();
            }
            if (parts.isEmpty()) throw new IllegalArgumentException(file + ": a Parquet listing folder without .parquet part files");
        } else {
            parts = List.of(file);
        }
        Configuration conf = new Configuration();
        Path base = file.toAbsolutePath().getParent();
        List<ArchiveImage> out = new ArrayList<>();
        for (Path part : parts) {
            var hadoopPath = new org.apache.hadoop.fs.Path(part.toAbsolutePath().toUri());
            MessageType schema;
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(hadoopPath, conf))) {
                schema = r.getFileMetaData().getSchema();
            }
            if (!schema.containsField("path"))
                throw new IllegalArgumentException(part + ": a listing needs a 'path' column; its columns are "
                        + schema.getFields().stream().map(f -> f.getName()).toList());
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), hadoopPath).withConf(conf).build()) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    Group row = g;
                    out.add(image(base, col -> schema.containsField(col) && row.getFieldRepetitionCount(col) > 0
                            ? row.getValueToString(schema.getFieldIndex(col), 0) : null));
                }
            }
        }
        return unique(out, "Parquet listing");
    }

    /** A data file of a Parquet folder: Spark's part files, not its _SUCCESS, .crc or _metadata files. */
    private static boolean isPartFile(String name) {
        return name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".");
    }

    private static ArchiveImage image(Path base, Function<String, String> col) {
        String p = col.apply("path");
        if (p == null || p.isBlank()) throw new IllegalArgumentException("a listing row without a path");
        Path path = base.resolve(p).toAbsolutePath().normalize();
        String id = col.apply("dicom_id");
        if (id == null || id.isBlank()) id = stem(path.getFileName().toString());
        return new ArchiveImage(id, col.apply("study_id"), col.apply("subject_id"), col.apply("split"), col.apply("view"), path.toString());
    }

    static Listing folder(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).filter(p -> isImageName(p.getFileName().toString())).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (files.isEmpty()) throw new IllegalArgumentException(root + ": no MIMIC-CXR-JPG split file and no .dcm, .jpg or .png images under it");
        List<ArchiveImage> out = new ArrayList<>();
        for (Path f : files) {
            String rel = root.relativize(f).toString().replace('\\', '/');
            out.add(new ArchiveImage(stem(rel), "", "", "", "", f.toAbsolutePath().normalize().toString()));
        }
        return unique(out, "folder");
    }

    static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".dcm") || n.endsWith(".dicom") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && dot > name.lastIndexOf('/') ? name.substring(0, dot) : name;
    }

    private static Listing unique(List<ArchiveImage> all, String kind) {
        Map<String, ArchiveImage> byId = new LinkedHashMap<>();
        for (ArchiveImage a : all) byId.putIfAbsent(a.id(), a);
        if (byId.isEmpty()) throw new IllegalArgumentException("the " + kind + " lists no images");
        return new Listing(List.copyOf(byId.values()), kind, all.size() - byId.size());
    }
}
