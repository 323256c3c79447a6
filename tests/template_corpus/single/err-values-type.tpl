{{ len (values 0o17) }}
