<?php
header('X-Served-By: php');
?>
<!DOCTYPE html>
<html>
<head><title>Cart</title></head>
<body>
<h1>Cart (PHP)</h1>
</body>
</html>
