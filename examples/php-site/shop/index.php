<?php
header('X-Served-By: php');
?>
<!DOCTYPE html>
<html>
<head><title>Shop</title></head>
<body>
<h1>Shop (PHP)</h1>
<p><a href="/shop/cart.php">Cart</a></p>
</body>
</html>
