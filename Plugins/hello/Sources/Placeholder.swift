enum HelloPlaceholder {}
