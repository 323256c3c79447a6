{{ add1f "Inf" }}
