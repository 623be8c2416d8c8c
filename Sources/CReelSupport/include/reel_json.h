/* placeholder: see the JSON transcoder task */
