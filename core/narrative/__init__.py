"""The 情况说明 (第三部分 of a published 部门决算): drafted from the tables, a written one checked against them."""
