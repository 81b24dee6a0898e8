package dev.elixr.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One partition's embeddings as a Parquet file that Spark reads as a table: image and study ids, split, view, image
 * path, the L2-normalised {@code embedding} (array&lt;float&gt;, a standard 3-level LIST), the {@code model_id} (SHA-256
 * of the run's weights), the {@code preprocessing_id} (see {@link JobManifest}) and an optional PNG thumbnail.
 * Uncompressed (embeddings hardly compress, thumbnails are PNG already; no native codec needed). The footer's
 * key-value metadata keeps the partition's counts ({@link PartitionReport}), so a rerun that skips it still reports it.
 */
final class EmbeddingParquet {
    private EmbeddingParquet() {}

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message elixr_embedding {
              required binary dicom_id (STRING);
              required binary study_id (STRING);
              required binary subject_id (STRING);
              required binary split (STRING);
              required binary view (STRING);
              required binary image_path (STRING);
              required group embedding (LIST) {
                repeated group list {
                  required float element;
                }
              }
              required binary model_id (STRING);
              required binary preprocessing_id (STRING);
              optional binary thumbnail_png;
            }""");

    /** One row: an image's listing entry, its embedding and thumbnail (null for none). */
    record Row(ArchiveImage image, float[] embedding, byte[] thumbnailPng) {}

    /** Writes rows to one file; {@link #close} with the partition's report writes the footer. */
    static final class Writer implements Closeable {
        private final ParquetWriter<Group> writer;
        private final SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        private final String modelId, preprocessingId;

        Writer(Path file, Configuration conf, String modelId, String preprocessingId, Map<String, String> footer) throws IOException {
            this.modelId = modelId;
            this.preprocessingId = preprocessingId;
            writer = ExampleParquetWriter.builder(file).withConf(conf).withType(SCHEMA)
                    .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withExtraMetaData(footer).build();
        }

        void write(Row r) throws IOException {
            ArchiveImage a = r.image();
            Group g = groups.newGroup()
                    .append("dicom_id", a.id()).append("study_id", a.studyId()).append("subject_id", a.subjectId())
                    .append("split", a.split()).append("view", a.view()).append("image_path", a.path());
            Group list = g.addGroup("embedding");
            for (float v : r.embedding()) list.addGroup("list").append("element", v);
            g.append("model_id", modelId).append("preprocessing_id", preprocessingId);
            if (r.thumbnailPng() != null) g.append("thumbnail_png", Binary.fromConstantByteArray(r.thumbnailPng()));
            writer.write(g);
        }

        @Override public void close() throws IOException { writer.close(); }
    }

    /** Every row of a file (small: one partition). */
    static List<Row> read(Path file, Configuration conf) throws IOException {
        List<Row> out = new ArrayList<>();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = r.read(); g != null; g = r.read()) {
                Group list = g.getGroup("embedding", 0);
                float[] v = new float[list.getFieldRepetitionCount("list")];
                for (int i = 0; i < v.length; i++) v[i] = list.getGroup("list", i).getFloat("element", 0);
                byte[] thumb = g.getFieldRepetitionCount("thumbnail_png") == 0 ? null : g.getBinary("thumbnail_png", 0).getBytes();
                out.add(new Row(new ArchiveImage(g.getString("dicom_id", 0), g.getString("study_id", 0), g.getString("subject_id", 0),
                        g.getString("split", 0), g.getString("view", 0), g.getString("image_path", 0)), v, thumb));
            }
        }
        return out;
    }

    /** The footer's key-value metadata. */
    static Map<String, String> footer(Path file, Configuration conf) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return r.getFileMetaData().getKeyValueMetaData();
        }
    }
}
