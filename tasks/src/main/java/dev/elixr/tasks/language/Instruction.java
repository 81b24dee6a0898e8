package dev.elixr.tasks.language;

/**
 * One image-grounded instruction of stage 2: the image (its dicom_id and split), the task, the prompt text, the
 * expected answer, and how the item is grouped when scored — for VQA the question's {@code type} (closed/open) and
 * {@code category} (presence, laterality, …); for report QA {@code type} correct/erroneous and {@code category} the
 * injected error (none, omission, insertion, laterality, severity); for impressions both empty.
 */
public record Instruction(String dicomId, String split, LanguageTask task, String prompt, String answer, String type, String category) {
    public Instruction {
        if (dicomId == null || dicomId.isBlank()) throw new IllegalArgumentException("instruction without a dicom_id");
        if (answer == null || answer.isBlank()) throw new IllegalArgumentException("instruction for " + dicomId + " without an answer");
    }
}
